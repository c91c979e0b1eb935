// The pacer's decisions (shared/api/pace.ts), one row per rule: how fast it sends, what a 429
// teaches it and how long every request then waits. Pure functions, so each row gives the pace
// so far and what happened, and the exact pace (and pause) that follows.
const { afterAccepted, afterRefused, countedBefore, intervalOf, startPace, windowFreesAt, withMaximum } = require('../nodes/GptGe/shared/api/pace');

const NOW = 1_800_000_000_000;
const pace = (extra = {}) => ({ ...startPace(), ...extra });

describe('the pace after an accepted request', () => {
	test.each([
		['before any 429: two more a second per accepted request (× 3 a second)', pace(), pace({ rate: 22 })],
		['never above the known maximum', pace({ rate: 5, maximum: 5 }), pace({ rate: 5, maximum: 5 })],
		// 49 × 0.98 = 48.02; from 30: + 49 / 5 / 30 = 0.3267 per accepted request, about 50 a second.
		['under 98 % of the learnt limit: back to it within a fifth of a second', pace({ rate: 30, limit: 49, cutAt: NOW }), pace({ rate: 30 + 49 / 5 / 30, limit: 49, cutAt: NOW })],
		['never past 98 % when coming back', pace({ rate: 48, limit: 49, cutAt: NOW }), pace({ rate: 48.02, limit: 49, cutAt: NOW })],
		['at 98 % within 10 s of a cut: no probing', pace({ rate: 98, limit: 100, cutAt: NOW - 9_999 }), pace({ rate: 98, limit: 100, cutAt: NOW - 9_999 })],
		// 10 s after the cut: 0.05 % of the limit a second, shared by the second's requests.
		['10 s after a cut: probes by 0.05 % of the limit a second', pace({ rate: 98, limit: 100, cutAt: NOW - 10_000 }), pace({ rate: 98 + 0.05 / 98, limit: 100, cutAt: NOW - 10_000 })],
		// 3 s later: doubled three times, 0.4 % a second.
		['3 s more without a 429: probes eight times as fast', pace({ rate: 99, limit: 100, cutAt: NOW - 13_000 }), pace({ rate: 99 + 0.4 / 99, limit: 100, cutAt: NOW - 13_000 })],
		['a small share probes as fast as one of 20 a second', pace({ rate: 4.9, limit: 5, cutAt: NOW - 10_000 }), pace({ rate: 4.9 + 0.01 / 4.9, limit: 5, cutAt: NOW - 10_000 })],
		// 30 s: 0.05 × 2^20 a second, but never more than half the rate a second: 49.5 a second, 0.5 a request.
		['never more than half the rate a second', pace({ rate: 99, limit: 100, cutAt: NOW - 30_000 }), pace({ rate: 99.5, limit: 100, cutAt: NOW - 30_000 })],
	])('%s', (_rule, before, expected) => {
		expect(afterAccepted(before, NOW)).toStrictEqual({ ...expected, rate: expect.closeTo(expected.rate, 9) });
	});
});

describe('the pace after a 429, and the pause', () => {
	const refusal = (extra) => ({ now: NOW, permittedAt: NOW - 5, retryAfterMs: 1000, counted: 20, oldestAnsweredAt: NOW - 960, ...extra });
	test.each([
		[
			// The window frees when the oldest counted request leaves it: answered 960 ms ago + 1,020 ms.
			'the first 429: the window held the limit; 98 % of it, paused until its oldest request leaves the window (counted before its answer came back)',
			pace({ rate: 33 }), refusal(),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			'never paused longer than Retry-After',
			pace({ rate: 33 }), refusal({ retryAfterMs: 50 }),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW }), pausedUntil: NOW + 50 },
		],
		[
			'no Retry-After: at most a second',
			pace({ rate: 33 }), refusal({ retryAfterMs: undefined, oldestAnsweredAt: NOW - 10 }),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW }), pausedUntil: NOW + 1000 },
		],
		[
			'the oldest counted request not answered yet: all of Retry-After',
			pace({ rate: 33 }), refusal({ oldestAnsweredAt: undefined }),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW }), pausedUntil: NOW + 1000 },
		],
		[
			'a 429 for a request let go before the cut: the same event, nothing changes',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 20 }), refusal({ permittedAt: NOW - 30 }),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW - 20 }), pausedUntil: 0 },
		],
		[
			'as many of ours in the window as the last cut learnt, soon after it: the same limit, no harder cut',
			pace({ rate: 19.7, limit: 20, cutAt: NOW - 2000 }), refusal(),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			'one fewer of ours than it learnt: one request a window less, whole requests (19, not the 19.7 it sent at)',
			pace({ rate: 19.7, limit: 20, cutAt: NOW - 2000 }), refusal({ counted: 19 }),
			{ pace: pace({ rate: 19 * 0.98, limit: 19, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			// A worker sharing the limit, refused while another one probed into its share.
			'clearly fewer of ours than it learnt, soon after the cut: what the window held, no harder cut, no longer pause',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 1000 }), refusal({ counted: 10 }),
			{ pace: pace({ rate: 9.8, limit: 10, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			'more of ours than the last cut learnt (probing found room): the new limit',
			pace({ rate: 21.5, limit: 20, cutAt: NOW - 18_000 }), refusal({ counted: 21 }),
			{ pace: pace({ rate: 21 * 0.98, limit: 21, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			'nothing of ours in the window (other clients fill it): a fifth less, all of Retry-After',
			pace({ rate: 10 }), refusal({ counted: 0, oldestAnsweredAt: undefined, retryAfterMs: 2000 }),
			{ pace: pace({ rate: 7.84, limit: 8, cutAt: NOW }), pausedUntil: NOW + 2000 },
		],
		[
			// The pause above ended 940 ms before its Retry-After: a 429 for a request let go in that time disproves it,
			// or a stall of the event loop sent requests together; once may be either.
			'a 429 for a request let go before a shortened pause\'s Retry-After ended: counted, the pause still ends early',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 100, earlyUntil: NOW + 900 }), refusal({ counted: 19 }),
			{ pace: pace({ rate: 19 * 0.98, limit: 19, cutAt: NOW, earlyUntil: NOW + 1000, disproofs: 1 }), pausedUntil: NOW + 60 },
		],
		[
			'twice in a row: all of Retry-After from then on',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 100, earlyUntil: NOW + 900, disproofs: 1 }), refusal({ counted: 19 }),
			{ pace: pace({ rate: 19 * 0.98, limit: 19, cutAt: NOW, wholePauses: true }), pausedUntil: NOW + 1000 },
		],
		[
			'every pause after that lasts all of Retry-After',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 30_000, wholePauses: true }), refusal(),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW, wholePauses: true }), pausedUntil: NOW + 1000 },
		],
		[
			'a 429 for a request let go after the shortened pause\'s Retry-After: the early end stood, it may end early again; no disproof in a row',
			pace({ rate: 19.6, limit: 20, cutAt: NOW - 5000, earlyUntil: NOW - 4000, disproofs: 1 }), refusal(),
			{ pace: pace({ rate: 19.6, limit: 20, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
		[
			'under a known maximum too',
			pace({ rate: 10, maximum: 10 }), refusal({ counted: 8 }),
			{ pace: pace({ rate: 8 * 0.98, limit: 8, maximum: 10, cutAt: NOW, earlyUntil: NOW + 1000 }), pausedUntil: NOW + 60 },
		],
	])('%s', (_rule, before, refused, expected) => {
		const after = afterRefused(before, refused);
		expect(after.pausedUntil).toBe(expected.pausedUntil);
		expect(after.pace).toStrictEqual({ ...expected.pace, rate: expect.closeTo(expected.pace.rate, 9) });
	});
});

describe('what the gateway counted, the interval, a new maximum', () => {
	test.each([
		['the permits of the 1,020 ms before, less the refused ones', [NOW - 1100, NOW - 1000, NOW - 500, NOW - 100], [NOW - 500], NOW, { counted: 2, oldestAt: NOW - 1000 }],
		['none', [NOW - 2000], [], NOW, { counted: 0 }],
	])('counted: %s', (_rule, sentAt, refusedAt, permittedAt, expected) => {
		expect(countedBefore(sentAt, refusedAt, permittedAt)).toStrictEqual(expected);
	});

	// Twenty permits 40 ms apart, the last one now: a ramp packs the window at its end.
	const twenty = Array.from({ length: 20 }, (_, index) => NOW - 760 + index * 40);
	// Seven permits 150 ms apart (6.7 a second), the last one now.
	const seven = Array.from({ length: 7 }, (_, index) => NOW - 900 + index * 150);
	test.each([
		['after a cut, at 98 % of 20: 20 in any 1,020 ms, the 21st waits until the 1st is 1,020 ms old', twenty, pace({ rate: 19.6, limit: 20, cutAt: NOW - 100 }), NOW - 760 + 1020],
		['fewer sent than the window takes: no wait', twenty.slice(1), pace({ rate: 19.6, limit: 20, cutAt: NOW - 100 }), 0],
		['no cut yet: the interval alone', twenty, pace({ rate: 19.6 }), 0],
		['long after the cut too', twenty, pace({ rate: 19.6, limit: 20, cutAt: NOW - 60_000 }), NOW - 760 + 1020],
		// Coming back after a cut: the rate is under the limit, the window holds the limit (the interval spaces them).
		['under the learnt limit: its whole number, not what the rate lets go', twenty, pace({ rate: 15, limit: 20, cutAt: NOW - 100 }), NOW - 760 + 1020],
		['probing above it: what the rate lets go (21 at 20.6 a second)', twenty, pace({ rate: 20.6, limit: 20, cutAt: NOW - 5000 }), 0],
		// Probing at 6.5 a second: 6.63 in 1,020 ms, so 6 in one window and 7 in the next if the interval alone spaced them.
		['probing between two whole numbers a window: the lower one (6 at 6.5 a second)', seven, pace({ rate: 6.5, limit: 6, cutAt: NOW - 5000 }), NOW - 750 + 1020],
		// 6.85 a second: 6.99 in 1,020 ms, within the slack of 7.
		['probing just under a whole number: that number (7 at 6.85 a second)', seven, pace({ rate: 6.85, limit: 6, cutAt: NOW - 5000 }), NOW - 900 + 1020],
		// A queue-mode worker with the credential's Rate Limit 6.6 (20 ÷ 3): the window rule would
		// hold it at 6 a window (5.9 a second) for good; at its maximum the interval keeps it under it.
		['probed back up to the known maximum: the interval alone (6.6 a second)', seven, pace({ rate: 6.6, maximum: 6.6, limit: 6, cutAt: NOW - 20_000 }), 0],
		['on the way up to it: the window rule', seven, pace({ rate: 6.5, maximum: 6.6, limit: 6, cutAt: NOW - 20_000 }), NOW - 750 + 1020],
	])('window rule: %s', (_rule, sentAt, current, expected) => {
		expect(windowFreesAt(sentAt, current)).toBe(expected);
	});

	test.each([
		['learning: one over the rate', pace({ rate: 50 }), 20],
		['at the known maximum: 3 % slack for arrival jitter', pace({ rate: 10, maximum: 10 }), 103],
		['under the known maximum: no slack', pace({ rate: 8, maximum: 10 }), 125],
	])('interval: %s', (_rule, current, expected) => {
		expect(intervalOf(current)).toBeCloseTo(expected, 9);
	});

	test.each([
		['a Rate Limit set: it is the rate', pace({ rate: 60 }), 5, pace({ rate: 5, maximum: 5 })],
		['the Rate Limit removed: back to what was learnt', pace({ rate: 5, maximum: 5, limit: 12, cutAt: NOW }), undefined, pace({ rate: 5, limit: 12, cutAt: NOW })],
		['the same maximum: unchanged', pace({ rate: 4, maximum: 5 }), 5, pace({ rate: 4, maximum: 5 })],
	])('maximum: %s', (_rule, current, maximum, expected) => {
		expect(withMaximum(current, maximum)).toStrictEqual(expected);
	});
});
