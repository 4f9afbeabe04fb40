/** Four tiers that run alone (`npm run test:<tier>`) or together (`npm test`); each project's global setup starts only what it needs. */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.data', '<rootDir>/.tools'],
};
const packages = ['<rootDir>/shared', '<rootDir>/services', '<rootDir>/workflows', '<rootDir>/infra'];

module.exports = {
  maxWorkers: 2,
  // Jest reads the timeout from the run's config only, not a project's: long enough for the stack tests.
  testTimeout: 180_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      // Naming rule: `x.test.ts` next to the code is unit (no servers), `x.service.test.ts` needs PostgreSQL, `x.workflow.test.ts` a Temporal dev server, test/*.test.ts the whole stack.
      roots: packages,
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.(service|workflow)\\.test\\.ts$'],
    },
    {
      ...base,
      displayName: 'workflow',
      roots: packages,
      testMatch: ['**/*.workflow.test.ts'],
      globalSetup: '<rootDir>/test/global-setup-temporal-cli.ts',
    },
    {
      ...base,
      displayName: 'service',
      roots: packages,
      testMatch: ['**/*.service.test.ts'],
      globalSetup: '<rootDir>/test/global-setup-postgres.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
