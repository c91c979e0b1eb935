// The machine's processes as /proc lists them: what the kill test looks through for anything left
// behind, and what start-reaper.js waits on while n8n stops. No dependencies: the reaper loads it.
const fs = require('node:fs');

/** Every live process (zombies hold nothing) but this one: pid, process group, command line, environment. */
function processTable() {
	const table = [];
	for (const entry of fs.readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid === process.pid) continue;
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (state === 'Z') continue;
			const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
			table.push({ pid, pgid: Number(pgid), command, environment: fs.readFileSync(`/proc/${pid}/environ`, 'utf8') });
		} catch {
			// ended while being read, or not ours to read
		}
	}
	return table;
}

module.exports = { processTable };
