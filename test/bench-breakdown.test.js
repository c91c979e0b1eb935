// Where a bulk run's time went (bench/breakdown.js): a pure function of the gateway's request
// records, so each row is a made-up run with the columns it must give.
const { breakdown } = require('../bench/breakdown');

const create = (at, status = 200) => ({ method: 'POST', path: '/avatar/generation', status, at });
const check = (task, at, status = 200) => ({ method: 'GET', path: `/avatar/task/${task}`, status, at });
/** `count` creates from `from` on, `spacing` ms apart. */
const creates = (count, from, spacing) => Array.from({ length: count }, (_, index) => create(from + index * spacing));

describe('bench breakdown', () => {
	test('a run at the limit from its first request: the time before it and after the last, nothing else', () => {
		const result = breakdown({ requests: creates(30, 500, 100), startedAt: 0, endedAt: 3600, limit: 10, floorSeconds: 3 });
		expect(result).toMatchObject({ wall: 3.6, requests: 30, refused: 0, beforeFirst: 0.5, rampUp: 0, rampUnused: 0, pauses: 0, underLimit: 0 });
		expect(result.perSecond).toEqual([10, 10, 10]);
		expect(result.afterLast).toBeCloseTo(0.2);
		expect(result.ratio).toBeCloseTo(1.2);
	});

	test('ramp-up lasts until a whole second reaches 90 % of the limit, and counts the capacity left in it', () => {
		const requests = [...creates(2, 0, 400), ...creates(5, 1000, 150), ...creates(9, 2000, 100), ...creates(10, 3000, 90)];
		const result = breakdown({ requests, startedAt: 0, endedAt: 4000, limit: 10, floorSeconds: 2.6 });
		expect(result.rampUp).toBe(2);
		expect(result.rampUnused).toBeCloseTo(0.8 + 0.5);
		expect(result.underLimit).toBeCloseTo(0.1); // the third second: 9 of 10
	});

	test('a gap after a 429 is a Retry-After pause; the same gap without one is time under the limit', () => {
		const after429 = [...creates(10, 0, 90), create(950, 429), ...creates(10, 2000, 90), ...creates(10, 3000, 90)];
		const paused = breakdown({ requests: after429, startedAt: 0, endedAt: 4000, limit: 10, floorSeconds: 3 });
		expect(paused).toMatchObject({ refused: 1, rampUp: 0, pauseCount: 1 });
		expect(paused.pauses).toBeCloseTo(1);
		expect(paused.underLimit).toBeCloseTo(0);

		const quiet = after429.filter((request) => request.status !== 429);
		const idle = breakdown({ requests: quiet, startedAt: 0, endedAt: 4000, limit: 10, floorSeconds: 3 });
		expect(idle).toMatchObject({ refused: 0, pauses: 0, pauseCount: 0 });
		expect(idle.underLimit).toBeCloseTo(1);
	});

	test("status checks beyond each task's last are extra; the accepted ones take capacity, before the last create a create's", () => {
		const requests = [
			create(0),
			create(500),
			check('a', 300, 500), // a fault still took a slot
			check('a', 400),
			check('a', 450, 429), // refused: took none
			check('a', 900),
			check('b', 950), // after the last create: no create wanted its slot
			check('b', 1000),
		];
		const result = breakdown({ requests, startedAt: 0, endedAt: 1000, limit: 10, floorSeconds: 0.4 });
		expect(result).toMatchObject({ extraChecks: 4, extraAccepted: 3, extraCheckSlots: 2 });
		expect(result.extraCheckSeconds).toBeCloseTo(0.3);
	});

	test('with waiting, the last video time (tailSeconds) is not counted as under the limit', () => {
		const requests = [...creates(10, 0, 100), ...creates(10, 1000, 100), check('t', 5000)];
		const waiting = breakdown({ requests, startedAt: 0, endedAt: 5000, limit: 10, floorSeconds: 5, tailSeconds: 3 });
		expect(waiting.underLimit).toBeCloseTo(0);
		const notWaiting = breakdown({ requests, startedAt: 0, endedAt: 5000, limit: 10, floorSeconds: 2 });
		expect(notWaiting.underLimit).toBeCloseTo(3);
	});
});
