/** @jest-config-loader ts-node */
import type { Config } from 'jest';

// CommonJS keeps jest simple (no ESM loader flags). ts-jest only transpiles (tsconfig sets isolatedModules);
// type checking stays with `npm run typecheck` (tsc --noEmit), where it is fast and complete.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  // Two workers on CI's two cores: the tests wait on Redis, HTTP and child processes far more than
  // they compute, and each file has its own queue prefix or private Redis, so files never see each
  // other. Measured: the suite in 114 s instead of 230 s in band.
  maxWorkers: 2,
};

export default config;
