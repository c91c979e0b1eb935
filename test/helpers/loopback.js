// A real HTTP server on 127.0.0.1 for what nock cannot fake faithfully: connections that are
// dropped without an answer, or never answered. `answer(request, index)` returns
// [status, body, headers], 'drop' (close the connection) or 'stall' (hold it open until close()).
const http = require('node:http');

async function startLoopbackApi(answer) {
	const requests = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const request = { method: req.method, path: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
			const reply = answer(request, requests.length);
			requests.push(request);
			if (reply === 'drop') return req.socket.destroy();
			if (reply === 'stall') return undefined;
			const [status, body, headers = {}] = reply;
			const text = typeof body === 'string' ? body : JSON.stringify(body);
			res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

module.exports = { startLoopbackApi };
