const { exports: entryPoints, name } = require('./package.json');

/**
 * Tests and stacks import the library by its package name, as a user would; these names map to the
 * TypeScript sources (the build maps them to build/ through package.json `exports`).
 */
const moduleNameMapper = {};
for (const [subpath, target] of Object.entries(entryPoints)) {
  if (typeof target === 'string') continue;
  const source = target.require.replace(/^\.\/build\//, '<rootDir>/').replace(/\.js$/, '.ts');
  moduleNameMapper[`^${name}${subpath === '.' ? '' : subpath.slice(1)}$`] = source;
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/helpers/temp-root-setup.js',
  globalTeardown: '<rootDir>/test/helpers/temp-root-teardown.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper,
  testTimeout: 120000,
};
