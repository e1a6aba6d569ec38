import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data directory that names its `redis-server` and the process that owns it. */
export const STATE_FILE = 'embedded.json';

export interface DataDirRecord {
  /** The `redis-server` process. */
  pid: number;
  port: number;
  /** The process that started it and restarts it (the service, or a command run alone). */
  ownerPid?: number;
}

export function readRecord(dir: string): DataDirRecord | undefined {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as DataDirRecord;
    return Number.isInteger(record.pid) && Number.isInteger(record.port) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function writeRecord(dir: string, record: DataDirRecord): void {
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(record));
}

/** Removes the record, unless it names another `redis-server` than `pid` by now. */
export function removeRecord(dir: string, pid?: number): void {
  if (pid !== undefined && readRecord(dir)?.pid !== pid) return;
  rmSync(join(dir, STATE_FILE), { force: true });
}

/**
 * Another live process owns the data directory and its Redis does not answer (it is being
 * restarted, or has just died): starting a second server on the same files would corrupt them.
 */
export class EmbeddedRedisBusyError extends Error {
  override name = 'EmbeddedRedisBusyError' as const;
  readonly code = 'EMBEDDED_REDIS_BUSY';
  constructor(
    readonly dir: string,
    readonly ownerPid: number,
    readonly port: number,
  ) {
    super(
      `the service (pid ${ownerPid}) owns ${dir}; its embedded Redis (port ${port}) is not answering — it may be restarting`,
    );
  }
}
