// Runs beside `npm start` (start.js) for the one stop start.js cannot handle itself: its own end
// without a chance to clean up (SIGKILL, the out-of-memory killer). n8n runs in its own process
// group and would keep its ports; when start.js ends, however it ends, the IPC channel to this
// process closes, and whatever start.js left (n8n's group, its temporary folder) is stopped and
// removed here. start.js kills this process first when it stops everything itself.
const fs = require('node:fs');
const { setTimeout: delay } = require('node:timers/promises');
const { processTable } = require('./process-table');

const [folder] = process.argv.slice(2);
// n8n's process group, once start.js has started n8n.
let group;
const STOP_GRACE_MS = 10_000;

const groupRuns = () => group !== undefined && processTable().some((entry) => entry.pgid === group);
const signalGroup = (name) => {
	try {
		process.kill(-group, name);
	} catch {
		// ended meanwhile
	}
};

// The signals a terminal or service manager sends reach start.js, which stops everything; this
// process lives exactly as long as start.js does.
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => {});
process.stdout.on('error', () => {}); // the terminal may be gone

process.on('message', (message) => {
	if (Number.isInteger(message?.group)) group = message.group;
});

process.on('disconnect', async () => {
	const n8nRuns = groupRuns();
	if (!n8nRuns && !fs.existsSync(folder)) return;
	if (n8nRuns) {
		signalGroup('SIGTERM');
		const deadline = Date.now() + STOP_GRACE_MS;
		while (groupRuns() && Date.now() < deadline) await delay(100);
		signalGroup('SIGKILL'); // n8n's task runner, if it outlived n8n
	}
	fs.rmSync(folder, { recursive: true, force: true });
	process.stdout.write('\nnpm start ended without stopping n8n (killed?): n8n and its task runner stopped, the temporary folder removed\n');
});
