import { writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { spawnService, type ServiceProcess } from '../faults/processes';
import { tempFile } from '../support/files';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: ServiceProcess | undefined;
let connection: Redis;
afterEach(async () => {
  if (service && service.child.exitCode === null) await service.kill('SIGKILL');
  connection.disconnect();
  await zoom.close();
});

it('re-reads the rules on SIGHUP in a running process; an invalid file keeps the rules in force', async () => {
  const prefix = uniquePrefix();
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
  const rules = tempFile('rules.yaml', 'rules:\n  - { name: skip-all, action: skip }\n');
  service = await spawnService('all', redisUrl(), prefix, zoom, { LIVESTREAM_RULES_FILE: rules });
  const s = service;
  const result = async (uuid: string) =>
    (await queue.getJob(startJobId('meeting', uuid)))?.returnvalue as { state: string } | null;
  const reloads = (message: string) => s.output().split(message).length - 1;

  await post(s.url, signed(meetingEvent('meeting.started', { id: 101, uuid: 'before' })));
  expect(await eventually(() => result('before'))).toMatchObject({ state: 'skipped' });

  writeFileSync(rules, 'rules:\n  - { name: stream-all, action: stream }\n');
  s.child.kill('SIGHUP');
  await eventually(() => reloads('"msg":"livestream rules reloaded"') === 1);
  await post(s.url, signed(meetingEvent('meeting.started', { id: 102, uuid: 'after' })));
  expect(await eventually(() => result('after'))).toMatchObject({ state: 'started' });
  expect([...zoom.started]).toEqual(['102']);

  writeFileSync(rules, 'rules:\n  - { name: broken, action: maybe }\n');
  s.child.kill('SIGHUP');
  await eventually(() => reloads('"msg":"livestream rules not reloaded') === 1);
  await post(s.url, signed(meetingEvent('meeting.started', { id: 103, uuid: 'invalid' })));
  expect(await eventually(() => result('invalid'))).toMatchObject({ state: 'started' });
  expect([...zoom.started].sort()).toEqual(['102', '103']);

  expect(await s.kill('SIGTERM')).toBe(0);
  await queue.close();
}, 60_000);
