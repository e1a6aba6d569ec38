/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

// CommonJS + SWC keeps jest simple: no ESM loader flags, and type checking stays
// with `npm run typecheck` (tsc --noEmit) where it is fast and complete.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
};

export default config;
