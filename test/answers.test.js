// What an answer of GPT.GE says (shared/api/answers.ts), one row per form its docs, schemas and
// the gateways serving the same API show; the times in those answers (values.ts); and the token
// masked in what the node shows (secrets.ts). Pure functions: each row is input → exact output.
const { readAnswer, codeSays, taskIdOf, apiMessageOf } = require('../nodes/GptGe/shared/api/answers');
const { isoTime } = require('../nodes/GptGe/shared/values');
const { maskText, maskDeep, maskError } = require('../nodes/GptGe/shared/secrets');

const ok = (extra = {}) => ({ ok: true, ...extra });
const failed = (what, extra = {}) => ({ ok: false, what, ...extra });
const unknownCode = (code, taskId) =>
	`GPT.GE answered with code ${JSON.stringify(code)}, which this node does not know, and task ID ${taskId}: ` +
	'the node treats the video as created. Check it with Avatar → Get Task.';

describe('what a code says', () => {
	test.each([
		['success', 'success'], ['SUCCESS', 'success'], [' success ', 'success'],
		[200, 'success'], ['200', 'success'], [0, 'success'], ['0', 'success'],
		[undefined, 'absent'], [null, 'absent'], ['', 'absent'],
		[500, 'failure'], [-1, 'failure'], [1, 'failure'], ['400', 'failure'], [false, 'failure'],
		['error', 'failure'], ['task_not_exist', 'failure'], ['invalid_request', 'failure'], ['quota_exceeded', 'failure'],
		['accepted', 'unknown'], ['ok', 'unknown'], [true, 'unknown'], [{ value: 1 }, 'unknown'],
	])('%j → %s', (code, says) => {
		expect(codeSays(code)).toBe(says);
	});
});

describe('a create answer: its task is never dropped', () => {
	test.each([
		['the examples: code "success", the ID in data', 200, { code: 'success', message: '', data: 'abc' }, ok({ taskId: 'abc' })],
		['the schema: code 200', 200, { code: 200, message: '', data: 'abc' }, ok({ taskId: 'abc' })],
		['another gateway: code 0', 200, { code: 0, data: 'abc' }, ok({ taskId: 'abc' })],
		['code "200"', 200, { code: '200', data: 'abc' }, ok({ taskId: 'abc' })],
		['code "0"', 200, { code: '0', data: 'abc' }, ok({ taskId: 'abc' })],
		['the field table: id', 200, { code: 'success', id: 'abc' }, ok({ taskId: 'abc' })],
		['data.id', 200, { code: 200, data: { id: 'abc' } }, ok({ taskId: 'abc' })],
		['data.task_id', 201, { code: 200, data: { task_id: 'abc' } }, ok({ taskId: 'abc' })],
		['no code, an ID', 200, { data: 'abc' }, ok({ taskId: 'abc' })],
		['an unknown code with an ID: the task, flagged', 200, { code: 'accepted', data: 'abc' }, ok({ taskId: 'abc', warning: unknownCode('accepted', 'abc') })],
		['a failure code with an ID: an error naming it', 200, { code: 500, message: 'busy', data: 'abc' }, failed('code 500', { apiMessage: 'busy', taskId: 'abc' })],
		['HTTP 500 with an ID', 500, { code: 'error', data: 'abc' }, failed('HTTP 500', { taskId: 'abc' })],
		['success without an ID', 200, { code: 'success', message: '' }, failed('no task ID in its answer')],
		['an unknown code without an ID', 200, { code: 'accepted', message: 'later' }, failed('code "accepted"', { apiMessage: 'later' })],
		['an empty ID', 200, { code: 200, data: '  ' }, failed('no task ID in its answer')],
		['an HTML page', 200, '<html>GPT.GE</html>', failed('no task ID in its answer', { apiMessage: '<html>GPT.GE</html>' })],
		['a gateway error', 401, { error: { message: 'invalid token', type: 'auth' } }, failed('HTTP 401', { apiMessage: 'invalid token' })],
	])('%s', (_form, status, body, reading) => {
		expect(readAnswer('create', status, body)).toStrictEqual(reading);
	});
});

describe('the other endpoints: a success code, or no code and their data', () => {
	const task = { task_id: 't', status: 'SUCCESS' };
	test.each([
		['task', 200, { code: 'success', data: task }, ok()],
		['task', 200, { code: 200, data: task }, ok()],
		['task', 200, { code: '0', data: task }, ok()],
		['task', 200, { data: task }, ok()],
		['task', 200, { code: 'success', data: null }, ok()],
		['task', 200, { code: 'accepted', data: task }, failed('code "accepted"')],
		['task', 200, { code: 'task_not_exist', message: 'task_not_exist', data: null }, failed('code "task_not_exist"', { apiMessage: 'task_not_exist' })],
		['task', 404, { code: 'task_not_exist', data: null }, failed('HTTP 404')],
		['task', 200, {}, failed('no task in its answer')],
		['voices', 200, { code: 200, data: { audio_list: [] } }, ok()],
		['voices', 200, { data: [] }, ok()],
		['voices', 200, { msg: 'nope' }, failed('no voice list in its answer', { apiMessage: 'nope' })],
		['subscription', 200, { object: 'billing_subscription', hard_limit_usd: 5 }, ok()],
		['subscription', 200, { hard_limit_usd: '5' }, ok()],
		['subscription', 200, { code: 0, hard_limit_usd: 5 }, ok()],
		['subscription', 200, { code: 0, data: { hard_limit_usd: 5 } }, failed('no "hard_limit_usd" in its answer (is Base URL the API\'s address, not the web site\'s?)')],
		['subscription', 200, '<!doctype html>', failed('no "hard_limit_usd" in its answer (is Base URL the API\'s address, not the web site\'s?)', { apiMessage: '<!doctype html>' })],
		['usage', 200, { object: 'list', total_usage: 695.96 }, ok()],
		['usage', 200, { object: 'list' }, failed('no "total_usage" in its answer (is Base URL the API\'s address, not the web site\'s?)')],
		['file', 200, { id: 'file-1', object: 'file', bytes: 3 }, ok()],
		['file', 200, { object: 'file' }, ok()],
		['file', 200, { code: 500, message: 'too big' }, failed('code 500', { apiMessage: 'too big' })],
		['file', 413, { error: 'too large' }, failed('HTTP 413', { apiMessage: 'too large' })],
	])('%s %s %j', (endpoint, status, body, reading) => {
		expect(readAnswer(endpoint, status, body)).toStrictEqual(reading);
	});
});

describe('the pieces', () => {
	test.each([
		[{ data: 'a' }, 'a'], [{ data: ' a ' }, 'a'], [{ id: 'b' }, 'b'], [{ data: { id: 'c' } }, 'c'],
		[{ data: { task_id: 'd' } }, 'd'], [{ data: 5 }, undefined], [null, undefined], ['a', undefined],
	])('taskIdOf(%j) → %j', (body, id) => {
		expect(taskIdOf(body)).toBe(id);
	});

	test.each([
		[{ message: 'm' }, 'm'], [{ msg: 'n' }, 'n'], [{ error: 'e' }, 'e'], [{ error: { message: 'em' } }, 'em'],
		[{ message: '', error: { message: 'em' } }, 'em'], ['  text  ', 'text'], [{}, undefined], [7, undefined],
	])('apiMessageOf(%j) → %j', (body, message) => {
		expect(apiMessageOf(body)).toBe(message);
	});
});

describe('times: seconds, milliseconds or ISO strings, all the right ISO time', () => {
	test.each([
		[1736868741, '2025-01-14T15:32:21.000Z'],
		['1736868741', '2025-01-14T15:32:21.000Z'],
		[1736868741123, '2025-01-14T15:32:21.123Z'],
		['1736868741123', '2025-01-14T15:32:21.123Z'],
		[1736868741.5, '2025-01-14T15:32:21.500Z'],
		['2025-01-14T15:32:21Z', '2025-01-14T15:32:21.000Z'],
		['2025-01-14 15:32:21', new Date('2025-01-14 15:32:21').toISOString()],
		[0, null], ['0', null], [-5, null], ['', null], [null, null], [undefined, null], ['soon', null], [NaN, null],
	])('%j → %j', (time, iso) => {
		expect(isoTime(time)).toBe(iso);
	});
});

describe('no token ever shown', () => {
	const TOKEN = 'sk-live-0123456789';

	test.each([
		[`invalid request (Authorization: Bearer ${TOKEN})`, 'invalid request (Authorization: Bearer ***)'],
		[`token ${TOKEN} is disabled`, 'token *** is disabled'],
		['authorization: bearer other-token-999, retry', 'authorization: bearer ***, retry'],
		['"Bearer abc"', '"Bearer ***"'],
		['nothing secret here', 'nothing secret here'],
	])('%s', (text, masked) => {
		expect(maskText(text, [TOKEN])).toBe(masked);
	});

	test('a short secret is not masked: it would garble ordinary text', () => {
		expect(maskText('a b c', ['a'])).toBe('a b c');
	});

	test('deep: objects, arrays, an error, its cause and headers, in place; buffers left alone', () => {
		const buffer = Buffer.from(TOKEN);
		const cause = Object.assign(new Error(`connect failed for ${TOKEN}`), { config: { headers: { Authorization: `Bearer ${TOKEN}` } } });
		const error = Object.assign(new Error(`no: ${TOKEN}`, { cause }), { list: [TOKEN, 5], buffer });
		error.self = error;
		maskDeep(error, [TOKEN]);
		expect(error.message).toBe('no: ***');
		expect(error.list).toStrictEqual(['***', 5]);
		expect(cause.message).toBe('connect failed for ***');
		expect(cause.config.headers.Authorization).toBe('Bearer ***');
		expect(error.buffer.toString()).toBe(TOKEN);
	});

	test("an error's description read when shown (the ledger's) is masked too", () => {
		const error = new Error('failed');
		Object.defineProperty(error, 'description', { configurable: true, enumerable: true, get: () => `saw ${TOKEN}` });
		maskError(error, [TOKEN]);
		expect(error.description).toBe('saw ***');
	});
});
