// PostgreSQL for the queue-mode cases, as n8n advises for queue mode: Debian's server binaries
// (apt-get install postgresql), a throwaway cluster in the suite's scratch folder, on loopback
// only, started and stopped by the suite like Redis.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startProcess, waitFor } = require('./n8n');

const INSTALLS = '/usr/lib/postgresql';

/** The bin folder of the newest PostgreSQL server installed from Debian's packages, if any. */
function postgresBin() {
	if (!fs.existsSync(INSTALLS)) return undefined;
	const [newest] = fs
		.readdirSync(INSTALLS)
		.filter((version) => fs.existsSync(path.join(INSTALLS, version, 'bin/postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return newest && path.join(INSTALLS, newest, 'bin');
}

// PostgreSQL refuses to run as root (CI runs as root): then it runs as Debian's `postgres` system
// user. setpriv execs the program, so the process the suite holds and stops is postgres itself.
const asRoot = () => process.getuid?.() === 0;
const asPostgresUser = () => (asRoot() ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : []);

/** What is missing to start PostgreSQL here, as one line, or undefined. */
function postgresMissing() {
	if (!postgresBin()) return 'PostgreSQL server (queue mode): apt-get install postgresql';
	if (asRoot() && spawnSync('id', ['postgres']).status !== 0) return "the postgres system user (queue mode runs PostgreSQL as it, not as root): apt-get install postgresql";
	return undefined;
}

/**
 * A new cluster in `folder` (data and unix socket), listening on 127.0.0.1:`port`, trusting local
 * connections (user postgres, database postgres). Durability is off: the data is thrown away.
 * Resolves with the running server (stop it with stopProcesses, then remove `folder`).
 */
async function startPostgres(folder, port) {
	const bin = postgresBin();
	const data = path.join(folder, 'data');
	const socket = path.join(folder, 'socket');
	fs.rmSync(folder, { recursive: true, force: true });
	fs.mkdirSync(data, { recursive: true });
	fs.mkdirSync(socket);
	if (asRoot()) spawnSync('chown', ['-R', 'postgres:postgres', folder]);
	const [command, ...prefix] = [...asPostgresUser(), path.join(bin, 'initdb')];
	const initdb = spawnSync(command, [...prefix, '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], { encoding: 'utf8' });
	if (initdb.status !== 0) throw new Error(`initdb exited ${initdb.status}:\n${initdb.stdout}\n${initdb.stderr}`);

	const [serverCommand, ...serverPrefix] = [...asPostgresUser(), path.join(bin, 'postgres')];
	const settings = { listen_addresses: '127.0.0.1', fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' };
	const args = [...serverPrefix, '-D', data, '-p', String(port), '-k', socket, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
	const server = startProcess('postgres', serverCommand, args, process.env);
	// Fast shutdown: it ends the sessions of any n8n process still connected instead of waiting for them.
	server.stopSignal = 'SIGINT';
	await waitFor('PostgreSQL to accept connections', async () => {
		if (server.exitCode !== null) throw new Error(`postgres exited ${server.exitCode}:\n${server.output}`);
		return /database system is ready to accept connections/.test(server.output);
	}, 30_000);
	return server;
}

/** The major version of that server, e.g. "15". */
const postgresVersion = () => (postgresBin() ? path.basename(path.dirname(postgresBin())) : '(not installed)');

/** n8n's settings for that cluster. */
const postgresEnv = (port) => ({
	DB_TYPE: 'postgresdb',
	DB_POSTGRESDB_HOST: '127.0.0.1',
	DB_POSTGRESDB_PORT: String(port),
	DB_POSTGRESDB_DATABASE: 'postgres',
	DB_POSTGRESDB_USER: 'postgres',
	DB_POSTGRESDB_PASSWORD: '',
});

module.exports = { postgresEnv, postgresMissing, postgresVersion, startPostgres };
