import { parseRetryAfter } from '../../src/zoom/retry-after';

const NOW = Date.parse('2026-11-22T09:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    ['30', 30_000],
    [' 5 ', 5000],
    ['1.5', 1500],
    ['0', 0],
    ['Sun, 22 Nov 2026 09:01:00 GMT', 60_000],
    ['2026-11-23T00:00:00Z', 15 * 3600_000],
    ['2026-11-23 00:00:00Z', 15 * 3600_000],
    ['Sun, 22 Nov 2026 08:00:00 GMT', 0],
    [undefined, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['12abc', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
