/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking happens once, in `npm test`'s tsc step; ts-jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
