import type { ChaosEvent, ChaosFault } from '../src/sandbox/sandbox-chaos';
import type { PhantomEvent, PlannedInstance } from './plan';

/** One webhook delivery and what the receivers answered (0: no answer, the connection failed). */
export interface Delivery {
  event: string;
  at: number;
  status: number;
}

/** What happened to one planned instance, in wall ms since the epoch. */
export interface InstanceRecord {
  plan: PlannedInstance;
  deliveries: Delivery[];
  /** First 2xx to its `*.started` webhook. */
  ackAt?: number;
  /** First 2xx to its `*.ended` webhook. */
  endedAckAt?: number;
  /** When Zoom had it live (declared to the sandbox) and ended it. */
  liveAtWall?: number;
  endedAtWall?: number;
  /** Every start Zoom carried out for it (204). */
  starts: number[];
  /** Starts whose answer never reached the worker. */
  lostAnswers: number[];
  /** The waits Zoom imposed on it (429s), in ms. */
  imposedWaitMs: number;
  zoomFaults: Partial<Record<ChaosFault, number>>;
}

export interface PhantomRecord {
  plan: PhantomEvent;
  status?: number;
  starts: number[];
}

/** A fault as it happened: when it began, when it ended, for whom, and what came of it. */
export interface FaultRecord {
  kind: string;
  at: number;
  until: number;
  account?: string;
  detail?: string;
}

export interface Sample {
  at: number;
  redisBytes?: number;
  /** Each worker process's resident memory (bytes), by pid. */
  workers: { pid: number; rss: number }[];
}

export interface AlertRecord {
  at: number;
  type: string;
  meetingId: string;
  jobId: string;
}

/** Everything the soak saw, kept for the invariants and the report. */
export class Ledger {
  readonly instances: InstanceRecord[] = [];
  readonly phantoms = new Map<string, PhantomRecord>();
  readonly faults: FaultRecord[] = [];
  readonly alerts: AlertRecord[] = [];
  readonly samples: Sample[] = [];
  /** Every `*.started`/`*.ended` delivery answer: when, and the status. */
  readonly answers: { at: number; status: number }[] = [];
  /** Starts of meeting ids no instance of the plan had live yet. */
  readonly strayStarts: { meetingId: string; at: number }[] = [];
  readonly zoomFaultCounts: Partial<Record<ChaosFault, number>> = {};
  private readonly byMeeting = new Map<string, InstanceRecord[]>();

  constructor(public t0: number) {}

  add(plan: PlannedInstance): InstanceRecord {
    const record: InstanceRecord = {
      plan,
      deliveries: [],
      starts: [],
      lostAnswers: [],
      imposedWaitMs: 0,
      zoomFaults: {},
    };
    this.instances.push(record);
    const list = this.byMeeting.get(plan.meetingId) ?? [];
    list.push(record);
    this.byMeeting.set(plan.meetingId, list);
    return record;
  }

  addPhantom(plan: PhantomEvent): PhantomRecord {
    const record: PhantomRecord = { plan, starts: [] };
    this.phantoms.set(plan.meetingId, record);
    return record;
  }

  /** The instance a call about `meetingId` at `at` concerns: the latest one Zoom had live by then. */
  instanceAt(meetingId: string, at: number): InstanceRecord | undefined {
    const list = this.byMeeting.get(meetingId) ?? [];
    let found: InstanceRecord | undefined;
    for (const r of list) if (r.liveAtWall !== undefined && r.liveAtWall <= at) found = r;
    return found;
  }

  /** The instance a meeting id is now, for the sandbox's first 429 per instance. */
  currentUuid(meetingId: string): string | undefined {
    return this.instanceAt(meetingId, Date.now())?.plan.uuid;
  }

  onStarted(meetingId: string, at: number): void {
    const phantom = this.phantoms.get(meetingId);
    if (phantom) return void phantom.starts.push(at);
    const record = this.instanceAt(meetingId, at);
    if (record) record.starts.push(at);
    else this.strayStarts.push({ meetingId, at });
  }

  onChaos(event: ChaosEvent): void {
    this.zoomFaultCounts[event.fault] = (this.zoomFaultCounts[event.fault] ?? 0) + 1;
    if (event.meetingId === undefined) return;
    const record = this.instanceAt(event.meetingId, event.at);
    if (!record) return;
    record.zoomFaults[event.fault] = (record.zoomFaults[event.fault] ?? 0) + 1;
    if (event.waitMs !== undefined) record.imposedWaitMs += event.waitMs;
    if (event.fault === 'answer_lost') record.lostAnswers.push(event.at);
  }
}
