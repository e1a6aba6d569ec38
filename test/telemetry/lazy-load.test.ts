import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');

/**
 * In a fresh process (Jest's module registry hides what Node really loads): the service's start
 * path is loaded and tracing started with the given exporter; prints how many OpenTelemetry SDK or
 * bullmq-otel modules Node then holds.
 */
async function sdkModulesLoaded(exporter: string): Promise<{ on: boolean; loaded: number }> {
  const script = `
    const { startTracing } = require(${JSON.stringify(join(root, 'src/telemetry/tracing.ts'))});
    require(${JSON.stringify(join(root, 'src/cli/start-command.ts'))});
    startTracing({ exporter: ${JSON.stringify(exporter)} || undefined, serviceName: 't' })
      .then(async (t) => {
        const loaded = Object.keys(require.cache)
          .filter((k) => /@opentelemetry[\\\\/]sdk|bullmq-otel/.test(k)).length;
        process.stdout.write(JSON.stringify({ on: t !== undefined, loaded }));
        await t?.shutdown();
      });`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=commonjs', '-e', script],
    { cwd: root, env: { PATH: process.env.PATH ?? '' } },
  );
  return JSON.parse(stdout) as { on: boolean; loaded: number };
}

it('loads no OpenTelemetry SDK module when tracing is off', async () => {
  expect(await sdkModulesLoaded('')).toEqual({ on: false, loaded: 0 });
}, 30_000);

it('loads the SDK only once tracing is turned on (the check above can fail)', async () => {
  const on = await sdkModulesLoaded('console');
  expect(on.on).toBe(true);
  expect(on.loaded).toBeGreaterThan(0);
}, 30_000);
