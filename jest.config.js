module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	setupFiles: ['<rootDir>/test/helpers/env.js'],
	// The node's TypeScript is loaded as it is written; `npm run build` type-checks it.
	transform: { '^.+\\.ts$': 'ts-jest' },
	moduleFileExtensions: ['ts', 'js', 'json'],
	collectCoverageFrom: ['nodes/**/*.ts', 'credentials/**/*.ts'],
};
