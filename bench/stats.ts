import { percentile } from './lib';

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Ratios of subject to baseline measured in the same round (interleaved, so both saw the same
 * machine): the median ratio and its spread, plus the median of each side for context.
 */
export function pairedRatios(subject: number[], baseline: number[]) {
  const ratios = subject.map((s, i) => s / baseline[i]!);
  return {
    value: percentile(subject, 50),
    baseline: percentile(baseline, 50),
    ratio: percentile(ratios, 50),
    spread: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
    rounds: ratios.length,
  };
}
