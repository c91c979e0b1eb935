// The asset step of the build: tsc compiles the TypeScript, this copies what tsc does not
// touch (node and credential icons, the node's codex file) into dist/ beside the compiled code.
const { src, dest } = require('gulp');

function buildAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.png', 'nodes/**/*.node.json', 'credentials/**/*.svg'], {
		base: '.',
		encoding: false,
		allowEmpty: true,
	}).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
