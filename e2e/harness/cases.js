// What a case is: a named check that passes or fails, prints its line and time and the notes it
// made, and runs only when E2E_CASE chose it. Every case module records through check() and note().
const results = [];
let notes = [];

// E2E_CASE=<text>: only the cases whose line ("[2.41.1] example …") contains it (any case), for
// whoever works on one. A first pass that runs nothing lists the cases (`planning`), so a text
// that matches none is refused at once, and a group's setup (an n8n server, the queue) runs only
// when one of its cases will. The install proofs always run: they install what the cases load.
const ONLY = process.env.E2E_CASE?.trim().toLowerCase() || undefined;
let planning = false;
const planned = [];
let group = 'install';
const selected = (line) => !ONLY || line.toLowerCase().includes(ONLY);
/** Enters a group of cases; false when none of them is to run (then skip its setup too). */
function enterGroup(name) {
	group = name;
	return planning || planned.length === 0 || planned.some((planCase) => planCase.group === name && selected(planCase.line));
}
/** True while the cases are only being listed: groups then skip their setup and clean-up. */
const isPlanning = () => planning;
/** True when E2E_CASE chose no case in the groups whose names start with `prefix` (one n8n version's). */
const noneChosenIn = (prefix) => Boolean(planned.length) && !planned.some((planCase) => planCase.group.startsWith(prefix) && selected(planCase.line));

/**
 * Runs one case and prints it with its scope (`install` or the n8n version) and its time, then
 * the notes it made (measurements, messages seen).
 */
async function check(scope, name, fn, { setup = false } = {}) {
	const line = `[${scope}] ${name}`;
	if (planning) return void planned.push({ line, group });
	// A group's setup case (its n8n server up) runs whenever one of the group's cases does.
	if (scope !== 'install' && !setup && !selected(line)) return;
	const startedAt = Date.now();
	notes = [];
	try {
		await fn();
		results.push(true);
		console.log(`  ✓ [${scope}] ${name} (${seconds(startedAt)} s)`);
	} catch (error) {
		results.push(false);
		console.log(`  ✗ [${scope}] ${name} (${seconds(startedAt)} s)\n${indented(error.stack ?? error)}`);
	}
	for (const text of notes) console.log(indented(text));
}
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const indented = (text) => String(text).replace(/^/gm, '      ');
/** A line printed under the current case. */
const note = (text) => notes.push(text);

/**
 * E2E_CASE: lists every case (`listEveryCase` goes through the groups while nothing runs), then
 * says which will run; false (an error listing the cases) when none matches.
 */
async function planCases(listEveryCase) {
	planning = true;
	await listEveryCase();
	planning = false;
	const chosen = planned.filter((planCase) => selected(planCase.line));
	if (chosen.length === 0) {
		results.push(false);
		console.log(`E2E_CASE="${process.env.E2E_CASE}" is in no case's name. The cases:\n${planned.map((planCase) => `  ${planCase.line}`).join('\n')}`);
		return false;
	}
	console.log(`E2E_CASE="${process.env.E2E_CASE}": ${chosen.length} of ${planned.length} cases, after the install proofs:\n${chosen.map((planCase) => `  ${planCase.line}`).join('\n')}`);
	return true;
}

module.exports = { ONLY, results, check, note, seconds, enterGroup, isPlanning, noneChosenIn, planCases };
