import { webhookPath, type SoakAccount } from './accounts';
import type { InstanceRecord, Ledger, PhantomRecord } from './ledger';
import type { Plan } from './plan';
import { postSigned } from './post-signed';
import type { ZoomSandbox } from '../src/sandbox/zoom-sandbox';

/** Zoom redelivers a webhook that was not answered 2xx after 5, 20 and 60 minutes. */
const REDELIVERY_MINUTES = [5, 20, 60];
const FOREIGN_ZOOM_ACCOUNT = 'zoom-account-of-someone-else';

export interface DriverDeps {
  plan: Plan;
  ledger: Ledger;
  accounts: readonly SoakAccount[];
  sandbox: ZoomSandbox;
  proxyUrl: () => string;
  timeScale: number;
  /** The usual 429's wait: `ended_during` sends `meeting.ended` halfway through it. */
  livestreamWaitMs: number;
}

type Task = { at: number; run: () => void };

/**
 * Plays the plan against the deployment as Zoom would: declares each instance live at the
 * sandbox (meetings only: the sweep lists meetings), posts its signed webhooks through the load
 * balancer with the fate the plan gave them, redelivers what was not answered 2xx, ends the
 * instance. `tick()` runs what is due; `pending()` says whether anything is left.
 */
export function createDriver(deps: DriverDeps) {
  const { ledger, accounts, timeScale } = deps;
  const t0 = ledger.t0;
  const tasks: Task[] = [];
  const inFlight = new Set<Promise<void>>();
  const at = (ms: number, run: () => void) => tasks.push({ at: t0 + ms, run });
  const accountNamed = (name: string) => accounts.find((a) => a.name === name)!;
  const minutes = (m: number) => (m * 60_000) / timeScale;

  function send(
    account: SoakAccount,
    body: object,
    onStatus: (status: number) => void,
    secret = account.webhookSecret,
  ): void {
    const url = `${deps.proxyUrl()}${webhookPath(accounts, account)}`;
    const p = postSigned(url, secret, body).then((status) => onStatus(status));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  const eventBody = (r: InstanceRecord, event: string, zoomId: string) => ({
    event: `${r.plan.kind}.${event}`,
    event_ts: Date.now(),
    payload: {
      account_id: zoomId,
      object: {
        id: Number(r.plan.meetingId),
        uuid: r.plan.uuid,
        host_id: 'sandbox-host',
        topic: r.plan.topic,
        type: r.plan.kind === 'webinar' ? 5 : 2,
      },
    },
  });

  /** Delivers `event` now; unanswered, Zoom tries again 5, 20, 60 minutes later. */
  function deliver(r: InstanceRecord, event: 'started' | 'ended', attempt = 0): void {
    const account = accountNamed(r.plan.account);
    send(account, eventBody(r, event, account.zoomAccountId), (status) => {
      const now = Date.now();
      r.deliveries.push({ event, at: now, status });
      ledger.answers.push({ at: now, status });
      const ok = status >= 200 && status < 300;
      if (ok && event === 'started') r.ackAt ??= now;
      if (ok && event === 'ended') r.endedAckAt ??= now;
      const retry = REDELIVERY_MINUTES[attempt];
      if (!ok && retry !== undefined)
        at(now - t0 + minutes(retry), () => deliver(r, event, attempt + 1));
    });
  }

  function goLive(r: InstanceRecord): void {
    r.liveAtWall = Date.now();
    if (r.plan.kind === 'meeting')
      deps.sandbox.account(r.plan.account).declareMeeting({
        id: Number(r.plan.meetingId),
        uuid: r.plan.uuid,
        topic: r.plan.topic,
        status: r.plan.fate === 'ended_before' ? 'ended' : 'live',
      });
  }

  function end(r: InstanceRecord): void {
    r.endedAtWall ??= Date.now();
    if (r.plan.kind === 'meeting' && ledger.instanceAt(r.plan.meetingId, Date.now()) === r)
      deps.sandbox.account(r.plan.account).declareMeeting({
        id: Number(r.plan.meetingId),
        uuid: r.plan.uuid,
        status: 'ended',
      });
    deliver(r, 'ended');
  }

  function schedule(r: InstanceRecord): void {
    const { liveAt, endAt, fate, redeliverAfter } = r.plan;
    at(liveAt, () => goLive(r));
    switch (fate) {
      case 'normal':
      case 'lost':
        if (fate === 'normal') at(liveAt, () => deliver(r, 'started'));
        break;
      case 'duplicate':
        at(liveAt, () => (deliver(r, 'started'), deliver(r, 'started')));
        break;
      case 'late':
        at(liveAt, () => deliver(r, 'started'));
        at(liveAt + redeliverAfter, () => deliver(r, 'started', REDELIVERY_MINUTES.length));
        break;
      case 'lost_then_late':
        at(liveAt + redeliverAfter, () => deliver(r, 'started', REDELIVERY_MINUTES.length));
        break;
      case 'ended_before':
        at(liveAt, () => end(r));
        at(liveAt + 200, () => deliver(r, 'started'));
        return;
      case 'ended_during':
        at(liveAt, () => deliver(r, 'started'));
        at(liveAt + deps.livestreamWaitMs / 2, () => end(r));
        return;
    }
    at(endAt, () => end(r));
  }

  /**
   * A phantom event, on its account's path: a bad signature (a forged secret, or with several
   * accounts every other one: another account's secret), or a correctly signed event of another
   * Zoom account (another of ours when there are several, else a stranger's).
   */
  function phantom(p: PhantomRecord, n: number): void {
    const account = accountNamed(p.plan.account);
    const other = accounts.find((a) => a !== account);
    const bad = p.plan.fault === 'bad_signature';
    const body = {
      event: 'meeting.started',
      event_ts: Date.now(),
      payload: {
        account_id: bad ? account.zoomAccountId : (other?.zoomAccountId ?? FOREIGN_ZOOM_ACCOUNT),
        object: {
          id: Number(p.plan.meetingId),
          uuid: p.plan.uuid,
          host_id: 'sandbox-host',
          type: 2,
        },
      },
    };
    const forged = other && n % 4 === 0 ? other.webhookSecret : `${account.webhookSecret}-forged`;
    send(account, body, (status) => void (p.status = status), bad ? forged : account.webhookSecret);
  }

  for (const planned of deps.plan.instances) schedule(ledger.add(planned));
  deps.plan.phantoms.forEach((p, n) => {
    const record = ledger.addPhantom(p);
    at(p.at, () => phantom(record, n));
  });
  tasks.sort((a, b) => a.at - b.at);

  return {
    /** Runs every task due by now (`limit`: only those planned before this wall time). */
    tick(limit = Infinity): void {
      const now = Date.now();
      const due = tasks.filter((t) => t.at <= now && t.at <= limit);
      if (due.length === 0) return;
      const rest = tasks.filter((t) => !(t.at <= now && t.at <= limit));
      tasks.length = 0;
      tasks.push(...rest);
      for (const t of due.sort((a, b) => a.at - b.at)) t.run();
    },
    pending: () => tasks.length,
    /** Drops what is planned after `limit` (the end of the run): those meetings stay live. */
    dropAfter: (limit: number) => {
      const keep = tasks.filter((t) => t.at <= limit);
      tasks.length = 0;
      tasks.push(...keep);
    },
    settled: () => Promise.all([...inFlight]),
  };
}
