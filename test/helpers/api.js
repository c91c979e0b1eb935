// nock stand-ins for GPT.GE endpoints that record every request they answer.
const nock = require('nock');

const API = 'https://api.gpt.ge';

/**
 * Intercepts `times` POST /avatar/generation calls. `reply(body, index)` gives [status, body]
 * (default: success with task-<index>). Returns the list the requests are recorded into
 * (its `scope` is the nock scope, for waiting on 'replied').
 */
function interceptGenerate({ times = 1, host = API, reply } = {}) {
	const requests = [];
	requests.scope = nock(host)
		.post('/avatar/generation')
		.times(times)
		.reply(function (path, body) {
			const index = requests.length;
			requests.push({ method: this.req.method, path, headers: this.req.headers, body });
			return reply ? reply(body, index) : [200, { code: 'success', message: '', data: `task-${index}` }];
		});
	return requests;
}

module.exports = { API, interceptGenerate };
