/**
 * The consumer test (test/consumer): packs the library and installs it into a scratch app, so it
 * runs apart from the unit tests, serially, with a long timeout. `npm test` runs it after them.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/helpers/temp-root-setup.js',
  globalTeardown: '<rootDir>/test/helpers/temp-root-teardown.js',
  roots: ['<rootDir>/test/consumer'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 600000,
};
