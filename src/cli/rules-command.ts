import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadToolConfig } from '../config/load-config';
import { loadRules } from '../policy/load-rules';
import { DEFAULT_RULES, matchRule } from '../policy/rules';
import { redactTarget } from '../domain/stream-target';
import { envelopeSchema, meetingPayloadSchema, describeIssue } from '../webhook/envelope';
import { ZOOM_EVENTS } from '../domain/zoom-events';
import { CliError, EXIT, type CliIo } from './io';
import { printable, terminalJson } from '../domain/plain-text';

/**
 * `rules test <event.json>`: which rule a webhook event matches and what would be sent to Zoom,
 * stream key redacted. Uses LIVESTREAM_RULES_FILE (or --file) exactly as the worker does.
 */
export function rulesTestCommand(
  io: CliIo,
  eventFile: string,
  options: { file?: string; json?: boolean },
): number {
  const config = loadToolConfig(io.env);
  const file = options.file ?? config.livestream.rulesFile;
  const rules = file ? loadRules(resolve(io.cwd, file), io.env) : DEFAULT_RULES;
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(resolve(io.cwd, eventFile), 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${eventFile} as JSON: ${(err as Error).message}`, EXIT.usage);
  }
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success)
    throw new CliError(
      `${eventFile} is not a Zoom event: ${describeIssue(envelope.error)}`,
      EXIT.usage,
    );
  const action = ZOOM_EVENTS[envelope.data.event];
  if (action?.type !== 'start')
    throw new CliError(
      `"${envelope.data.event}" does not start a stream; rules apply to meeting.started and webinar.started`,
      EXIT.usage,
    );
  const payload = meetingPayloadSchema.safeParse(envelope.data.payload);
  if (!payload.success)
    throw new CliError(`${eventFile}: payload.${describeIssue(payload.error)}`, EXIT.usage);
  const o = payload.data.object;
  const rule = matchRule(rules, {
    kind: action.kind,
    meetingId: o.id,
    hostId: o.host_id,
    topic: o.topic,
    meetingType: o.type,
  });
  const base = `/${action.kind === 'meeting' ? 'meetings' : 'webinars'}/${o.id}/livestream`;
  const settings = { ...config.livestream.settings, ...rule?.settings };
  const requests =
    rule?.action === 'stream'
      ? [
          ...(rule.stream
            ? [{ method: 'PATCH', path: base, body: redactTarget(rule.stream) }]
            : []),
          {
            method: 'PATCH',
            path: `${base}/status`,
            body: Object.keys(settings).length
              ? { action: 'start', settings }
              : { action: 'start' },
          },
        ]
      : [];
  const result = {
    rulesFile: file ?? null,
    event: envelope.data.event,
    meetingId: o.id,
    rule: rule?.name ?? null,
    action: rule?.action ?? 'skip',
    requests,
  };
  if (options.json) io.out(`${terminalJson(result)}\n`);
  else {
    // Rule names and targets come from the file: printed without control characters.
    io.out(
      `${rule ? `rule "${printable(rule.name)}" matches: ${rule.action}` : 'no rule matches: skip (logged)'}\n`,
    );
    for (const r of requests)
      io.out(`  ${r.method} ${r.path} ${printable(JSON.stringify(r.body))}\n`);
  }
  return EXIT.ok;
}
