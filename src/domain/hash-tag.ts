/**
 * The hash tag Redis Cluster hashes a key by, as Redis finds it: the text between the first `{`
 * and the first `}` after it, when not empty. Every key of the service starts with the queue
 * prefix, so a prefix with a tag puts every key (BullMQ's, the pacer's, the token's, readiness')
 * in one slot, which BullMQ's scripts and ours need.
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 * @see https://docs.bullmq.io/bull/patterns/redis-cluster
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}
