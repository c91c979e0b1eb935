// The long-job example across a restart of `n8n start` (every n8n version).
const fs = require('node:fs');
const path = require('node:path');
const { stopProcesses, waitFor } = require('../n8n');
const { enterGroup, note, seconds } = require('../harness/cases');
const { processes } = require('../harness/processes');
const { OWNER } = require('../harness/settings');
const { signedIn } = require('../n8n-under-test');
const { LONG_JOB_WEBHOOK, STORED_WAIT_SECONDS, WORKFLOW } = require('../workflows/builders');
const { longJobSurvives } = require('./long-job');

/** The long-job example in `n8n start`, stopped (SIGTERM) and started again while it waits. */
async function restartCases(n8n, standIn, check) {
	if (!enterGroup(`${n8n.label} restart`)) return;
	await check(`example "long jobs" survives a restart: started by a webhook in n8n start, stored as waiting (Wait ${STORED_WAIT_SECONDS} s), n8n stopped (SIGTERM) and started again; the same execution resumes, Get Task says not finished, then the loop ends with the 3 videos; one create per row`, async () => {
		await n8n.cli(n8n.install.activate(WORKFLOW.longJobByWebhook));
		const port = n8n.install.ports.main;
		const baseUrl = `http://127.0.0.1:${port}`;
		const start = () => {
			const server = n8n.start(`n8n ${n8n.label} start`, { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' });
			processes.push(server);
			return server;
		};
		const servers = [start()];
		try {
			await waitFor('the editor', async () => /Editor is now accessible/.test(servers[0].output));
			const rest = await signedIn(baseUrl);
			await longJobSurvives({
				n8n,
				standIn,
				rest,
				webhookUrl: `${baseUrl}/webhook/${LONG_JOB_WEBHOOK}`,
				interrupt: async () => {
					const stoppedAt = Date.now();
					// As a service manager stops it: SIGTERM, then n8n's own graceful shutdown (30 s at most).
					servers[0].kill('SIGTERM');
					await waitFor('n8n to stop', async () => servers[0].exitCode !== null || servers[0].signalCode !== null, 35_000);
					servers.push(start());
					await waitFor('the editor after the restart', async () => /Editor is now accessible/.test(servers[1].output));
					note(`n8n stopped and up again in ${seconds(stoppedAt)} s`);
					await rest.signIn(OWNER);
				},
			});
		} catch (error) {
			servers.forEach((server, index) => fs.writeFileSync(path.join(n8n.artifacts, `n8n-start-restart-${index}.log`), server.output));
			throw error;
		} finally {
			await stopProcesses(servers);
		}
	});
}

module.exports = { restartCases };
