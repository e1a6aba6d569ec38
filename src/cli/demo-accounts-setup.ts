import { randomBytes } from 'node:crypto';
import type { SandboxAccountOptions } from '../sandbox/zoom-sandbox';

/** The names the demo gives its accounts, in order. */
const NAMES = [
  'campus',
  'medicine',
  'law',
  'arts',
  'science',
  'music',
  'sports',
  'alumni',
  'library',
  'press',
];

export const MAX_DEMO_ACCOUNTS = NAMES.length;

/** The API calls per second each demo account may make (its own limit at the sandbox too). */
export const DEMO_ACCOUNT_RATE = 10;

/** `count` accounts for the sandbox, each with fresh random credentials and webhook secret. */
export function demoAccounts(count: number): Required<SandboxAccountOptions>[] {
  return NAMES.slice(0, count).map((name) => ({
    name,
    accountId: `zoom-${name}-${randomBytes(3).toString('hex')}`,
    clientId: `${name}-app`,
    clientSecret: randomBytes(16).toString('hex'),
    webhookSecret: randomBytes(16).toString('hex'),
    maxRequestsPerSecond: DEMO_ACCOUNT_RATE,
  }));
}
