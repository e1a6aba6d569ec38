import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const OPS = join(__dirname, '..', '..', 'ops');
const RULES = join(OPS, 'prometheus-alerts.yml');

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}
interface RuleFile {
  groups: { rules: { alert: string; expr: string }[] }[];
}

const dashboardExprs = () =>
  (JSON.parse(readFileSync(join(OPS, 'grafana-dashboard.json'), 'utf8')) as Dashboard).panels
    .flatMap((p) => p.targets)
    .map((t) => t.expr);
const ruleFile = () => parse(readFileSync(RULES, 'utf8')) as RuleFile;
const ruleExprs = () => ruleFile().groups.flatMap((g) => g.rules.map((r) => r.expr));

/** Metric names in PromQL: ours (zlw_) and the default Node process metrics. */
const metricNames = (expr: string) => expr.match(/\b(?:zlw|process|nodejs)_[a-z0-9_]+\b/g) ?? [];

function promtool(): string {
  for (const candidate of ['promtool', '/usr/bin/promtool']) {
    const found = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (found.status === 0) return candidate;
  }
  throw new Error(
    "promtool not found: install Debian's prometheus package (apt-get install prometheus), which ships it; .ci/run does",
  );
}

it('the alerting rules pass promtool check rules', () => {
  const out = execFileSync(promtool(), ['check', 'rules', RULES], { encoding: 'utf8' });
  expect(out).toContain('SUCCESS: 6 rules found');
});

it('the rules cover what an operator must know', () => {
  expect(ruleFile().groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual([
    'LivestreamStartsFailing',
    'LivestreamStartWaitingTooLong',
    'ZoomOAuthRejected',
    'RedisNotReady',
    'WebhookSignatureFailuresRising',
    'NoWebhooksDuringBusinessHours',
  ]);
});

describe('against a running service', () => {
  let zoom: ZoomSandbox;
  let service: TestService;
  beforeAll(async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
    service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
  });
  afterAll(async () => {
    await service.stop();
    await zoom.close();
  });
  const scrape = async () => (await fetch(`${service.url}/metrics`)).text();

  it('every metric the dashboard and the rules query is one the service exports', async () => {
    const text = await scrape();
    const exported = new Set<string>();
    for (const line of text.split('\n')) {
      const typed = /^# TYPE (\S+) (\S+)/.exec(line);
      if (typed) {
        exported.add(typed[1]!);
        if (typed[2] === 'histogram')
          for (const suffix of ['_bucket', '_sum', '_count']) exported.add(typed[1]! + suffix);
      } else if (/^[a-z]/.test(line)) exported.add(/^[a-zA-Z_:][\w:]*/.exec(line)![0]);
    }
    const used = new Set([...dashboardExprs(), ...ruleExprs()].flatMap(metricNames));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('reports readiness and the age of the oldest waiting start', async () => {
    const OLDEST = 'zlw_oldest_waiting_start_age_seconds\\{account="default"\\}';
    const value = (text: string, name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value(await scrape(), OLDEST)).toBe(0);
    expect(value(await scrape(), 'zlw_ready')).toBe(1);
    expect(value(await scrape(), 'zlw_redis_ready')).toBe(1);
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'waits' })));
    await eventually(async () =>
      (await service.queue.getJob(startJobId('meeting', 'waits')))?.isDelayed(),
    );
    await eventually(async () => value(await scrape(), OLDEST) > 0.2);
  });
});
