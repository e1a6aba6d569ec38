import type { Ledger } from './ledger';
import { percentile } from './stats';

export interface AccountFigures {
  account: string;
  instances: number;
  started: number;
  /** Zoom faults its calls met (429s of every kind, 5xx, resets, lost answers…). */
  zoomFaults: number;
  /** Time to stream minus the waits Zoom imposed, ms. */
  p50?: number;
  p99?: number;
}

/** Each account's meetings, starts and time to stream: one account's trouble should stay its own. */
export function perAccount(ledger: Ledger): AccountFigures[] {
  const names = [...new Set(ledger.instances.map((r) => r.plan.account))].sort();
  return names.map((account) => {
    const mine = ledger.instances.filter(
      (r) => r.plan.account === account && r.liveAtWall !== undefined,
    );
    const started = mine.filter((r) => r.starts.length > 0);
    const tts = started.map((r) =>
      Math.max(0, Math.round(r.starts[0]! - r.liveAtWall! - r.imposedWaitMs)),
    );
    const p50 = percentile(tts, 50);
    const p99 = percentile(tts, 99);
    return {
      account,
      instances: mine.length,
      started: started.length,
      zoomFaults: mine.reduce(
        (s, r) => s + Object.values(r.zoomFaults).reduce((a, b) => a + (b ?? 0), 0),
        0,
      ),
      ...(p50 !== undefined && { p50 }),
      ...(p99 !== undefined && { p99 }),
    };
  });
}
