import { Writable } from 'node:stream';
import { RECONCILED_MESSAGE } from '../reconcile/sweep';
import type { RecordedRequest } from '../sandbox/zoom-sandbox';

export type Say = (text: string) => void;

/** What the demo has seen so far: once the sweep queued the start, its list calls go unsaid. */
export interface DemoProgress {
  queued: boolean;
}

/** Says each answer of the Zoom sandbox (list calls only until the sweep queued the start). */
export function narrateZoomAnswer(say: Say, progress: DemoProgress) {
  return (req: RecordedRequest, status: number): void => {
    if (req.path.startsWith('/oauth/token'))
      return say(
        `Zoom OAuth    POST /oauth/token → ${status} (Server-to-Server token, shared through Redis)`,
      );
    if (req.method === 'GET') {
      if (!progress.queued)
        say(`Zoom API      GET ${req.path} → ${status} (the sweep asks what is live)`);
      return;
    }
    say(
      `Zoom API      ${req.method} ${req.path} ${req.body} → ${status}${status === 429 ? ' Too many requests: "retry after 30 seconds"' : ''}`,
    );
  };
}

/** Tells the story from the service's own JSON log lines, one sentence per step. */
function narrateLogLine(say: Say, progress: DemoProgress, missed: boolean) {
  return (line: Record<string, unknown>): void => {
    if (line.msg === 'webhook handled' && line.event === 'meeting.started')
      say(
        `receiver      webhook ${String(line.outcome)} (${String(line.status)}); start job ${String(line.jobId)} stored in Redis`,
      );
    if (line.msg === 'livestream start deferred')
      say(
        `worker        will try again at ${String(line.nextAttemptAt).slice(11, 19)} (${String(line.reason)}); the wait is a delayed job in Redis`,
      );
    if (line.msg === RECONCILED_MESSAGE) {
      progress.queued = true;
      say(
        `reconcile     meeting ${String(line.meetingId)} is live with no start job: start job ${String(line.jobId)} queued (source reconcile; with ALERT_WEBHOOK_URL set, a webhook_missed alert goes out)`,
      );
    }
    if (line.msg === 'livestream started')
      say(
        `worker        stream started after ${String(line.attempts)} attempts, ${((line.latencyMs as number) / 1000).toFixed(1)} s after ${missed ? 'the sweep queued it' : 'meeting.started'}`,
      );
    if (line.msg === 'livestream start failed')
      say(`worker        start failed: ${String(line.reason)}`);
  };
}

/** The stream the service logs to during the demo: each JSON line narrated. */
export function createDemoStory(say: Say, progress: DemoProgress, missed: boolean): Writable {
  const narrate = narrateLogLine(say, progress, missed);
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        narrate(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}
