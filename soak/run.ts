import { parseSoakOptions } from './options';
import { runSoak } from './soak';

/**
 * `npm run soak -- [--seed N] [--minutes M] [--time-scale K] [--accounts A] [--redis cluster] …`:
 * deploys the service on this machine, runs it through every fault at once and writes the report.
 * Exits 1 when an invariant broke, printing the seed that replays the run.
 */
async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const say = (line: string) => {
    if (options.verbose) console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
  };
  const result = await runSoak(options, say);
  for (const v of result.verdicts)
    console.log(
      `${v.ok ? 'ok    ' : 'BROKEN'} ${v.title}: ${v.checked} checked, ${v.offenders.length} offenders`,
    );
  const t = result.report.timeToStreamMs;
  console.log(
    `${result.report.counts.instances} instances, time to stream p50/p95/p99 ${t.p50}/${t.p95}/${t.p99} ms, 503 rate ${(100 * result.report.rate503).toFixed(2)} %`,
  );
  console.log(`report: ${result.files.html}`);
  console.log(`seed ${options.seed}${result.ok ? '' : ' — replay with --seed ' + options.seed}`);
  process.exitCode = result.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
