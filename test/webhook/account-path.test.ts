import { webhookPath } from '../../src/webhook/account-path';
import type { ReceiverSettings } from '../../src/webhook/admit';
import { decideWebhook, type Decision } from '../../src/webhook/decide-webhook';
import { signZoomWebhook } from '../../src/webhook/signature';

describe('webhookPath: the account a request path names', () => {
  it.each<[string, ReturnType<typeof webhookPath>]>([
    ['/webhooks/zoom', { route: '/webhooks/zoom', name: 'default' }],
    ['/webhooks/zoom/', { route: '/webhooks/zoom', name: 'default' }],
    ['/Webhooks/Zoom', { route: '/webhooks/zoom', name: 'default' }],
    ['/webhooks/zoom/campus', { route: '/webhooks/zoom/{name}', name: 'campus' }],
    ['/webhooks/zoom/campus/', { route: '/webhooks/zoom/{name}', name: 'campus' }],
    ['/webhooks/zoom/a-1', { route: '/webhooks/zoom/{name}', name: 'a-1' }],
    ['/webhooks/zoom/default', { route: '/webhooks/zoom/{name}', name: 'default' }],
    [
      '/webhooks/zoom/Campus',
      { route: '/webhooks/zoom/{name}', name: undefined, segment: 'Campus' },
    ],
    [
      '/webhooks/zoom/c%61mpus',
      { route: '/webhooks/zoom/{name}', name: undefined, segment: 'c%61mpus' },
    ],
    ['/webhooks/zoom/a/b', { route: '/webhooks/zoom/{name}', name: undefined, segment: 'a/b' }],
    ['/webhooks/zoom//', { route: '/webhooks/zoom/{name}', name: undefined, segment: '' }],
    [
      `/webhooks/zoom/${'a'.repeat(33)}`,
      { route: '/webhooks/zoom/{name}', name: undefined, segment: 'a'.repeat(33) },
    ],
    ['/webhooks/zoomx', undefined],
    ['/webhooks', undefined],
    ['/metrics', undefined],
  ])('%s', (path, expected) => {
    expect(webhookPath(path)).toEqual(expected);
  });
});

describe("decideWebhook with the path's account", () => {
  const NOW = Date.parse('2026-11-22T09:00:00Z');
  const settings = (zoomAccountId: string): ReceiverSettings => ({
    secrets: ['campus-secret'],
    toleranceSeconds: 300,
    bodyLimitBytes: 65_536,
    account: { name: 'campus', zoomAccountId },
  });
  const decide = (event: string, accountId: string | undefined, zoomAccountId: string) => {
    const payload = {
      ...(accountId !== undefined && { account_id: accountId }),
      object: { id: 85012345678, uuid: 'u-1' },
    };
    const raw = JSON.stringify({ event, event_ts: NOW - 1000, payload });
    const ts = String(NOW / 1000);
    const headers = {
      'x-zm-request-timestamp': ts,
      'x-zm-signature': signZoomWebhook('campus-secret', ts, raw),
    };
    const body = { kind: 'complete' as const, body: Buffer.from(raw) };
    return decideWebhook({ headers, body }, NOW, settings(zoomAccountId));
  };
  const start = {
    type: 'enqueue',
    data: {
      kind: 'meeting',
      meetingId: '85012345678',
      uuid: 'u-1',
      receivedAt: NOW,
      source: 'webhook',
      account: 'campus',
    },
  };
  const stored = (work: object): Decision =>
    expect.objectContaining({ type: 'store', work }) as Decision;

  it.each<[string, string, string | undefined, string, object]>([
    ['a start of its own account, with the account', 'meeting.started', 'cz', 'cz', stored(start)],
    [
      "a fact about its own account's instance",
      'meeting.ended',
      'cz',
      'cz',
      stored({
        type: 'record',
        kind: 'meeting',
        uuid: 'u-1',
        fact: 'ended',
        at: NOW - 1000,
        account: 'campus',
      }),
    ],
    ['an event without account_id, as its own', 'meeting.started', undefined, 'cz', stored(start)],
    ['any account_id when its Zoom id is not known', 'meeting.started', 'other', '', stored(start)],
    [
      '403 for a start of another account',
      'meeting.started',
      'other',
      'cz',
      {
        type: 'answer',
        answer: expect.objectContaining({
          status: 403,
          outcome: 'foreign_account',
          fields: { foreignAccountId: 'other' },
        }) as object,
      },
    ],
    [
      '403 for a fact of another account',
      'meeting.live_streaming_started',
      'other',
      'cz',
      { type: 'answer', answer: expect.objectContaining({ status: 403 }) as object },
    ],
    [
      'an ignored event is not checked',
      'recording.completed',
      'other',
      'cz',
      {
        type: 'answer',
        answer: expect.objectContaining({ status: 204, outcome: 'ignored' }) as object,
      },
    ],
  ])('%s', (_row, event, accountId, zoomAccountId, expected) => {
    expect(decide(event, accountId, zoomAccountId)).toEqual(expected);
  });
});
