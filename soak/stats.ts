/** The q-th percentile (0–100) of `values`, nearest rank; undefined when empty. */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))];
}

/** Least-squares slope of y over x (per unit of x); undefined with fewer than two points. */
export function slope(points: readonly { x: number; y: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

/** Counts of `times` (ms) in buckets of `sizeMs` from `from`, `count` buckets. */
export function bucketize(
  times: readonly number[],
  from: number,
  sizeMs: number,
  count: number,
): number[] {
  const buckets = new Array<number>(count).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / sizeMs);
    if (i >= 0 && i < count) buckets[i]!++;
  }
  return buckets;
}
