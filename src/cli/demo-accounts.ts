import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { startEmbeddedRedis } from '../redis/embedded-redis';
import { startZoomSandbox, type ZoomSandbox } from '../sandbox/zoom-sandbox';
import { runService } from '../service/run-service';
import {
  createAccountsStory,
  narrateAccountsAnswer,
  sayFor,
  summaryLines,
  type AccountStory,
  type SayFor,
} from './demo-accounts-narration';
import { writeSandboxAccountsFile } from '../sandbox/sandbox-accounts-file';
import { DEMO_ACCOUNT_RATE, demoAccounts } from './demo-accounts-setup';
import type { DemoRun } from './demo-run';
import { EXIT } from './io';

/** The first demo meeting number; account i (from 0) hosts FIRST_MEETING + i. */
const FIRST_MEETING = 85012345601;

/**
 * `demo --accounts N`: N Zoom accounts in one deployment. The sandbox plays each account (own
 * credentials, webhook secret and limit), the service reads an accounts file written for them
 * (secrets as `${VAR}` references), and every account's meeting starts at once — while the second
 * account is in a 429 storm. The others' streams start as if it did not exist; the stormed one
 * keeps retrying and starts when its storm ends.
 */
export async function runAccountsDemo(demo: DemoRun, count: number): Promise<number> {
  const accounts = demoAccounts(count);
  const names = accounts.map((a) => a.name);
  const sayAs = sayFor(demo.say, names);
  const stories = new Map<string, AccountStory>(
    names.map((n, i) => [n, { meetingId: String(FIRST_MEETING + i), accountLimited: 0 }]),
  );
  const { zoom, url } = await startAccountsWorld(demo, accounts, sayAs, stories);
  const stormed = names[1] ?? names[0]!;
  const stormMs = demo.delayMs + 3000;
  const stormUntil = Date.now() + stormMs;
  zoom.account(stormed).storm();
  sayAs(
    stormed,
    `Zoom        429 storm on for ${stormMs / 1000} s (and until the others are live): every API call of this account gets an account-level 429`,
  );
  if (!(await sendWebhooks(demo, zoom, url, stories, sayAs))) return EXIT.failure;
  const deadline = Date.now() + stormMs + demo.delayMs * 2 + 30_000;
  const others = new Map([...stories].filter(([name]) => name !== stormed));
  const othersLive = await waitForStreams(zoom, others, deadline);
  if (othersLive) await new Promise((r) => setTimeout(r, Math.max(0, stormUntil - Date.now())));
  zoom.account(stormed).calm();
  if (othersLive) sayAs(stormed, 'Zoom        storm over');
  if (!othersLive || !(await waitForStreams(zoom, stories, deadline))) {
    demo.io.err('not every stream started in time\n');
    return EXIT.failure;
  }
  for (const line of summaryLines(stories, stormed)) demo.say(`summary  ${line}`);
  return EXIT.ok;
}

/** Embedded Redis, the sandbox playing the accounts, and the service reading their file. */
async function startAccountsWorld(
  demo: DemoRun,
  accounts: ReturnType<typeof demoAccounts>,
  sayAs: SayFor,
  stories: Map<string, AccountStory>,
): Promise<{ zoom: ZoomSandbox; url: string }> {
  const { say, cleanups } = demo;
  const redis = await startEmbeddedRedis({ dataDir: join(demo.dir, 'redis'), env: demo.io.env });
  cleanups.push(() => redis.stop());
  say(`embedded Redis on 127.0.0.1:${redis.port} (AOF on, noeviction)`);
  const zoom = await startZoomSandbox({
    accounts,
    rateLimitedStarts: 1,
    onAnswer: narrateAccountsAnswer(sayAs, stories),
  });
  cleanups.push(() => zoom.close());
  const names = accounts.map((a) => a.name).join(', ');
  say(
    `Zoom sandbox on ${zoom.origin}: ${accounts.length} accounts (${names}), each with its own credentials, webhook secret and ${DEMO_ACCOUNT_RATE} calls/s`,
  );
  const { file, env } = writeSandboxAccountsFile(demo.dir, accounts, 'DEMO');
  say(`accounts file ${file}: ${accounts.length} accounts, every secret a \${VAR} reference`);
  const config = loadConfig({
    ROLE: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'info',
    ACCOUNTS_FILE: file,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: String(demo.delayMs),
  });
  const logger = createLogger('info', createAccountsStory(sayAs, stories));
  const service = await runService(config, logger, env);
  cleanups.push(() => service.close());
  say(
    `service on ${service.url} (receiver + worker; livestream 429 wait ${demo.delayMs / 1000} s)`,
  );
  return { zoom, url: service.url };
}

/** Each account's `meeting.started`, signed with its secret, to its own path. */
async function sendWebhooks(
  demo: DemoRun,
  zoom: ZoomSandbox,
  url: string,
  stories: Map<string, AccountStory>,
  sayAs: SayFor,
): Promise<boolean> {
  for (const [name, story] of stories) {
    const account = zoom.account(name);
    const meeting = {
      id: Number(story.meetingId),
      uuid: `demo-${randomBytes(6).toString('base64url')}==`,
      topic: `Demo: ${name}`,
    };
    sayAs(
      name,
      `Zoom → us   POST ${account.webhookPath} meeting.started (meeting ${story.meetingId}, account_id ${account.credentials.accountId}, signed with ${name}'s secret)`,
    );
    story.webhookAt = Date.now();
    const status = await account.sendWebhook(url, 'meeting.started', meeting);
    if (status !== 204) {
      demo.io.err(`${name}'s webhook was answered ${status}, expected 204\n`);
      return false;
    }
  }
  return true;
}

async function waitForStreams(
  zoom: ZoomSandbox,
  stories: Map<string, AccountStory>,
  deadline: number,
): Promise<boolean> {
  // Started at the sandbox, and the worker has said so (its log line comes after Zoom's 204).
  const all = () =>
    [...stories].every(
      ([name, s]) => zoom.account(name).started.has(s.meetingId) && s.startedAt !== undefined,
    );
  while (!all()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
