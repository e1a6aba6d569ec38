import { cli } from '../support/cli';

it('demo tells the story step by step and exits 0', async () => {
  const run = await cli(['demo', '--delay-ms', '300'], { REDIS_URL: '' });
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  const steps = [
    /embedded Redis on 127\.0\.0\.1:\d+/,
    /Zoom sandbox on http:\/\/127\.0\.0\.1:\d+/,
    /POST \/oauth\/token → 200/, // the worker checks its credentials at start-up
    /POST \/webhooks\/zoom meeting\.started/,
    /webhook accepted \(204\); start job meeting-\S+ stored in Redis/,
    /PATCH \/v2\/meetings\/85012345678\/livestream\/status \{"action":"start"\} → 429/,
    /will try again at \d\d:\d\d:\d\d \(livestream_rate_limited\)/,
    /PATCH \/v2\/meetings\/85012345678\/livestream\/status \{"action":"start"\} → 204/,
    /stream started after 2 attempts/,
    /done: the stream is live/,
  ];
  let rest = run.out;
  for (const step of steps) {
    const match = step.exec(rest);
    expect(match?.[0] ?? `missing in order: ${step}`).toMatch(step);
    rest = rest.slice((match?.index ?? 0) + (match?.[0].length ?? 0));
  }
});

it('demo --missed-webhook: no webhook is sent, the sweep finds the live meeting and starts its stream', async () => {
  const run = await cli(['demo', '--missed-webhook', '--delay-ms', '300'], { REDIS_URL: '' });
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  expect(run.out).not.toContain('POST /webhooks/zoom');
  const steps = [
    /meeting 85012345678 is live; its meeting\.started webhook is lost/,
    /GET \/v2\/users\/demo-host\/meetings\?type=live&page_size=300 → 200/,
    /meeting 85012345678 is live with no start job: start job meeting-\S+ queued \(source reconcile; with ALERT_WEBHOOK_URL set, a webhook_missed alert goes out\)/,
    /PATCH \/v2\/meetings\/85012345678\/livestream\/status \{"action":"start"\} → 429/,
    /PATCH \/v2\/meetings\/85012345678\/livestream\/status \{"action":"start"\} → 204/,
    /stream started after 2 attempts, [\d.]+ s after the sweep queued it/,
    /done: the stream is live/,
  ];
  let rest = run.out;
  for (const step of steps) {
    const match = step.exec(rest);
    expect(match?.[0] ?? `missing in order: ${step}`).toMatch(step);
    rest = rest.slice((match?.index ?? 0) + (match?.[0].length ?? 0));
  }
});
