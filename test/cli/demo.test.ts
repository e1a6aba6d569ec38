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

it('demo --accounts 3: three accounts start side by side while the second is in a 429 storm', async () => {
  const run = await cli(['demo', '--accounts', '3', '--delay-ms', '300'], { REDIS_URL: '' });
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  const lines = run.out.split('\n');
  const index = (pattern: RegExp) => {
    const i = lines.findIndex((l) => pattern.test(l));
    expect(i >= 0 ? lines[i] : `missing: ${pattern}`).toMatch(pattern);
    return i;
  };
  index(/3 accounts \(campus, medicine, law\), each with its own credentials/);
  index(/accounts file \S+accounts\.yaml: 3 accounts, every secret a \$\{VAR\} reference/);
  const stormOn = index(/medicine\s+Zoom\s+429 storm on for 3\.3 s/);
  for (const name of ['campus', 'medicine', 'law']) {
    index(new RegExp(`^\\S+  ${name}\\s+Zoom OAuth  POST /oauth/token → 200`));
    index(new RegExp(`${name}\\s+Zoom → us   POST /webhooks/zoom/${name} meeting\\.started`));
    index(
      new RegExp(`${name}\\s+receiver    webhook accepted \\(204\\); start job ${name}\\.meeting-`),
    );
  }
  const stormed = index(
    /medicine\s+Zoom API {4}PATCH \/v2\/meetings\/85012345602\/livestream\/status → 429 account-level 429 \(X-RateLimit-Type: QPS\): this account only/,
  );
  const stormOver = index(/medicine\s+Zoom\s+storm over/);
  const campusStarted = index(/campus\s+worker {6}stream started after 2 attempts/);
  const lawStarted = index(/law\s+worker {6}stream started after 2 attempts/);
  const medicineStarted = index(/medicine\s+worker {6}stream started after \d+ attempts/);
  expect(stormOn).toBeLessThan(stormed);
  // The others' streams start during the storm; the stormed account's only after it.
  expect(campusStarted).toBeLessThan(stormOver);
  expect(lawStarted).toBeLessThan(stormOver);
  expect(medicineStarted).toBeGreaterThan(stormOver);
  index(
    /summary {2}medicine: meeting 85012345602 stream started [\d.]+ s after its webhook \(\d+ attempts, [1-9]\d* account-level 429s in its storm\)/,
  );
  index(/done: 3 accounts' streams are live in the sandbox/);
}, 60_000);

it('demo --accounts refuses a count out of range, and --missed-webhook with it', async () => {
  const zero = await cli(['demo', '--accounts', '0'], { REDIS_URL: '' });
  expect(zero.code).toBe(2);
  expect(zero.err).toContain('--accounts takes 1 to 10, and not with --missed-webhook');
  expect((await cli(['demo', '--accounts', '3', '--missed-webhook'], { REDIS_URL: '' })).code).toBe(
    2,
  );
});
