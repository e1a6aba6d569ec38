import { createSandboxChaos, type SandboxChaos } from '../src/sandbox/sandbox-chaos';
import { startZoomSandbox, type ZoomSandbox } from '../src/sandbox/zoom-sandbox';
import type { SoakAccount } from './accounts';
import type { Ledger } from './ledger';
import { PHANTOM_BASE } from './plan';
import type { Random } from './random';

export interface SoakZoom {
  sandbox: ZoomSandbox;
  chaos: SandboxChaos;
  /** Answers by status (every call the sandbox answered). */
  statusCounts: Map<number, number>;
}

/** The account a meeting number belongs to (the plan gives each account a block of 100 million). */
export function accountOfMeeting(accounts: readonly SoakAccount[], meetingId: string) {
  const n = Number(meetingId);
  if (n >= PHANTOM_BASE) return undefined;
  return accounts[Math.floor((n - 81_000_000_000) / 100_000_000)]?.name;
}

/**
 * The sandbox Zoom in chaos mode, its faults and its starts written into the ledger. Its tokens
 * live `3600 / timeScale` seconds (at least 3 minutes: the service refreshes one a minute early).
 */
export async function startSoakZoom(
  accounts: readonly SoakAccount[],
  ledger: Ledger,
  timeScale: number,
  random: Random,
): Promise<SoakZoom> {
  const chaos = createSandboxChaos({
    now: Date.now,
    random,
    accountOfMeeting: (id) => accountOfMeeting(accounts, id),
    accountOfZoomId: (zoomId) => accounts.find((a) => a.zoomAccountId === zoomId)?.name,
    instanceOf: (id) => ledger.currentUuid(id),
    livestreamWaitMs: Math.round(30_000 / timeScale),
    onEvent: (event) => ledger.onChaos(event),
    onStarted: (id, at) => ledger.onStarted(id, at),
  });
  const statusCounts = new Map<number, number>();
  const sandbox = await startZoomSandbox({
    accounts: accounts.map((a) => ({
      name: a.name,
      accountId: a.zoomAccountId,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      webhookSecret: a.webhookSecret,
    })),
    rateLimitedStarts: 0,
    tokenTtlSeconds: Math.max(180, Math.round(3600 / timeScale)),
    chaos,
    onAnswer: (_request, status) => statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1),
  });
  return { sandbox, chaos, statusCounts };
}
