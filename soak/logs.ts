import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { printable } from '../src/domain/plain-text';

/** A bearer token the sandbox issued (`sandbox.` + 32 hex). */
const ISSUED_TOKEN = /sandbox\.[0-9a-f]{32}/g;

export interface LogScan {
  lines: number;
  /** Lines holding a secret, the secret replaced by `[secret]`. */
  secretLines: { file: string; line: string }[];
  /** Lines naming each meeting id asked for, at most `perMeeting` each. */
  byMeeting: Map<string, string[]>;
}

/**
 * Reads every process log once: finds the lines holding a secret (or an issued access token)
 * and collects the lines naming the given meeting ids, control characters removed.
 */
export function scanLogs(
  files: readonly string[],
  secrets: readonly string[],
  meetingIds: ReadonlySet<string>,
  perMeeting = 12,
): LogScan {
  const scan: LogScan = { lines: 0, secretLines: [], byMeeting: new Map() };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      scan.lines++;
      const line = printable(raw);
      const leaked = secrets.some((s) => line.includes(s)) || ISSUED_TOKEN.test(line);
      ISSUED_TOKEN.lastIndex = 0;
      if (leaked) scan.secretLines.push({ file: basename(file), line: redact(line, secrets) });
      if (meetingIds.size === 0) continue;
      const id = /"meetingId":"(\d+)"/.exec(line)?.[1];
      if (id === undefined || !meetingIds.has(id)) continue;
      const list = scan.byMeeting.get(id) ?? [];
      if (list.length < perMeeting) list.push(`${basename(file)}: ${line}`);
      scan.byMeeting.set(id, list);
    }
  }
  return scan;
}

function redact(line: string, secrets: readonly string[]): string {
  let out = line.replace(ISSUED_TOKEN, '[token]');
  for (const s of secrets) out = out.split(s).join('[secret]');
  return out.length > 400 ? `${out.slice(0, 400)}…` : out;
}
