import type { ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { eventually, finishedJob, type TestService } from './service';
import { meetingEvent, post, signed } from './webhook';

/** Meetings in the states an operator sees, made the real way: a signed webhook, then Zoom's answer. */
export function consoleMeetings(service: TestService, zoom: ZoomSandbox) {
  const started = async (id: number, uuid: string, topic: string) => {
    await post(service.url, signed(meetingEvent('meeting.started', { id, uuid, topic })));
    return startJobId('meeting', uuid);
  };
  return {
    /** Zoom answered 429; the next attempt is due after `LIVESTREAM_RETRY_DELAY_MS`. */
    async waiting(id: number, uuid: string, topic = 'Town hall') {
      const jobId = await started(id, uuid, topic);
      await eventually(async () => {
        const job = await service.queue.getJob(jobId);
        return (await job?.isDelayed()) && (job?.progress as { attempts?: number }).attempts;
      });
      return jobId;
    },
    /** Zoom refused for good (code 3000). */
    async failed(id: number, uuid: string, topic = 'Board meeting') {
      zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
      const jobId = await started(id, uuid, topic);
      await eventually(async () => (await service.queue.getJobState(jobId)) === 'failed');
      return jobId;
    },
    /** Zoom accepted the start (204). */
    async streaming(id: number, uuid: string, topic = 'Choir rehearsal') {
      zoom.script({ status: 204 });
      const jobId = await started(id, uuid, topic);
      await finishedJob(service, jobId);
      return jobId;
    },
  };
}
