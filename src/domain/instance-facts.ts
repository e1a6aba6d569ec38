/**
 * What Zoom told us about one meeting instance after it started (`ended`, `live`, `stopped`), and
 * what an operator decided (`cancelled`: start it no more; `operatorStopped`: stopped by hand).
 */
export type InstanceFact = 'ended' | 'live' | 'stopped' | 'cancelled' | 'operatorStopped';
const FACTS = ['ended', 'live', 'stopped', 'cancelled', 'operatorStopped'] as const;
export type InstanceFacts = Partial<Record<InstanceFact, number>> & {
  /** Who recorded the operator's fact (the OS user of the CLI). */
  operator?: string;
};

/** The facts stored in one instance's hash (as HGETALL answers it). */
export function parseInstanceFacts(raw: Record<string, string>): InstanceFacts {
  const facts: InstanceFacts = {};
  for (const fact of FACTS) {
    const value = raw[fact];
    if (value !== undefined) facts[fact] = Number(value);
  }
  if (raw.operator !== undefined) facts.operator = raw.operator;
  return facts;
}
