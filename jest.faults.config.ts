/** @jest-config-loader ts-node */
import type { Config } from 'jest';
import base from './jest.config';

// The fault-injection suite: real processes, real Redis (killed and restarted), the sandbox Zoom.
// Run with `npm run test:faults`; kept out of `npm test` because it is slower by design.
const config: Config = {
  ...base,
  testMatch: ['**/*.fault.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};

export default config;
