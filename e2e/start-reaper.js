// Runs beside `npm start` (start.js) for the one stop start.js cannot handle itself: its own end
// without a chance to clean up (SIGKILL, the out-of-memory killer). n8n runs in its own process
// group and would keep its ports; when start.js ends, however it ends, the IPC channel to this
// process closes, and whatever start.js left (n8n's group, its temporary folder) is stopped and
// removed here. After a normal stop nothing is left and this ends quietly.
const fs = require('node:fs');

const [folder] = process.argv.slice(2);
// n8n's process groups, as start.js started them.
const groups = new Set();
const STOP_GRACE_MS = 10_000;

/** Whether a process of `group` still runs (a zombie, ended but not yet reaped, holds nothing). */
const isAlive = (group) =>
	fs.readdirSync('/proc').some((entry) => {
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return Number(pgid) === group && state !== 'Z';
		} catch {
			return false; // not a process, or ended while read
		}
	});
const signal = (group, name) => {
	try {
		process.kill(-group, name);
	} catch {
		// ended meanwhile
	}
};
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The signals a terminal or service manager sends reach start.js, which stops everything; this
// process lives exactly as long as start.js does.
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => {});
process.stdout.on('error', () => {}); // the terminal may be gone

process.on('message', (message) => {
	if (Number.isInteger(message?.group)) groups.add(message.group);
});

process.on('disconnect', async () => {
	const left = [...groups].filter(isAlive);
	if (left.length === 0 && !fs.existsSync(folder)) return;
	for (const group of left) signal(group, 'SIGTERM');
	const deadline = Date.now() + STOP_GRACE_MS;
	while (left.some(isAlive) && Date.now() < deadline) await delay(100);
	for (const group of left) signal(group, 'SIGKILL'); // n8n's task runner, if it outlived n8n
	fs.rmSync(folder, { recursive: true, force: true });
	process.stdout.write('\nnpm start ended without stopping n8n (killed?): n8n and its task runner stopped, the temporary folder removed\n');
});
