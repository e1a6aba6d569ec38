import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.sentinel.yml'];

interface ComposeService {
  build?: unknown;
  environment?: Record<string, unknown> | string[];
}
type ComposeFile = { services: Record<string, ComposeService> };

function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

/** The services that run this image: every role listens (/healthz, /readyz, /metrics). */
function ourServices(file: ComposeFile): [string, ComposeService][] {
  return Object.entries(file.services).filter(([, s]) => s.build !== undefined);
}

/** The port HAProxy sends webhooks to, from its `server-template` line. */
function haproxyPort(): string {
  const cfg = readFileSync(join(ROOT, 'deploy', 'haproxy.cfg'), 'utf8');
  return /^\s*server-template\s+\S+\s+\d+\s+receiver:(\d+)/m.exec(cfg)![1]!;
}

describe.each(COMPOSE_FILES)('%s', (name) => {
  const file = parse(readFileSync(join(ROOT, name), 'utf8'), { merge: true }) as ComposeFile;

  it('sets HOST to every interface wherever it sets PORT, on the port HAProxy uses', () => {
    const services = ourServices(file);
    expect(services.map(([service]) => service).sort()).toEqual(['receiver', 'worker']);
    for (const [service, definition] of services) {
      const env = environment(definition);
      // A HOST of 127.0.0.1 in .env would otherwise hide the service from HAProxy.
      expect({ service, PORT: env.PORT, HOST: env.HOST }).toEqual({
        service,
        PORT: haproxyPort(),
        HOST: '0.0.0.0',
      });
    }
  });
});

const composeCli = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

/**
 * `docker-compose config` resolves anchors and `.env` as Compose itself will (no engine needed).
 * CI installs docker-compose, so there this block always runs (and fails without the command).
 */
(composeCli || process.env.CI ? describe : describe.skip)(
  'docker-compose config (docker-compose installed)',
  () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'compose-'));
      for (const name of COMPOSE_FILES) copyFileSync(join(ROOT, name), join(dir, name));
      writeFileSync(
        join(dir, '.env'),
        'HOST=127.0.0.1\nPORT=9999\nREDIS_PASSWORD=p\nREDIS_SENTINEL_PASSWORD=s\n',
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(COMPOSE_FILES)(
      '%s: a .env with HOST=127.0.0.1 and PORT=9999 changes neither',
      (name) => {
        const run = spawnSync('docker-compose', ['-f', name, 'config'], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect(run.stderr).not.toMatch(/ERROR/);
        expect(run.status).toBe(0);
        const resolved = parse(run.stdout) as ComposeFile;
        for (const [service, definition] of ourServices(resolved)) {
          const env = environment(definition);
          expect({ service, PORT: env.PORT, HOST: env.HOST }).toEqual({
            service,
            PORT: haproxyPort(),
            HOST: '0.0.0.0',
          });
        }
      },
    );
  },
);
