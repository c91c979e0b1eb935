// The sheet both benchmarks feed the node: a photo and a speech track per row, and Generate
// reading them with expressions, as a "one video per row" workflow does.
/** `count` rows from row `first` on. */
function sheetRows(count, first = 0) {
	return Array.from({ length: count }, (_, index) => first + index).map((row) => ({
		json: { photo: `https://cdn.example.com/people/${row}.jpg`, speech: `https://cdn.example.com/speech/${row}.mp3` },
	}));
}

function generateEachRow(parameters) {
	return {
		resource: 'avatar',
		operation: 'generate',
		avatarUrl: '={{ $json.photo }}',
		voiceSource: 'audioUrl',
		audioUrl: '={{ $json.speech }}',
		...parameters,
	};
}

module.exports = { generateEachRow, sheetRows };
