import { type Rule, matchRule } from '../policy/rules';
import { redactTarget } from '../domain/stream-target';
import type { InstanceFacts } from '../domain/instance-facts';
import type { StartJobData } from '../domain/start-job';
import type { CallKind } from './attempt-record';
import type { StartProgress, StartState } from '../domain/start-progress';

/** The job ends here, without a Zoom call: what to record and say. */
export interface Settled {
  state: Extract<StartState, 'cancelled' | 'stopped' | 'live' | 'skipped'>;
  progress: StartProgress;
  message: string;
  reason?: string;
}

/**
 * Thrown by the last look at the facts, after the pacing wait and right before the Zoom call:
 * the instance was settled meanwhile (`meeting.ended`, an operator's cancel or stop), so the
 * call is not made.
 */
export class SettledBeforeCall extends Error {
  override name = 'SettledBeforeCall' as const;
  constructor(readonly settled: Settled) {
    super(settled.message);
  }
}

/**
 * What Zoom told us about this meeting instance since the last step (`meeting.ended`,
 * `…live_streaming_started/stopped`) decides before anything else. Pure.
 */
export function settleFromFacts(
  facts: InstanceFacts,
  progress: StartProgress,
): Settled | undefined {
  if (facts.ended !== undefined) {
    return {
      state: 'cancelled',
      progress,
      message: 'livestream start cancelled: meeting ended',
      reason: 'the meeting ended',
    };
  }
  const by = facts.operator !== undefined ? ` (${facts.operator})` : '';
  if (facts.operatorStopped !== undefined)
    return {
      state: 'stopped',
      progress: { ...progress, confirmation: 'stopped' },
      message: 'livestream stopped by the operator; not restarted',
      reason: `stopped by the operator${by}`,
    };
  if (facts.cancelled !== undefined)
    return {
      state: 'cancelled',
      progress,
      message: 'livestream start cancelled by the operator',
      reason: `cancelled by the operator${by}`,
    };
  if (
    facts.stopped !== undefined &&
    (progress.acceptedAt !== undefined || facts.live !== undefined)
  )
    return {
      state: 'stopped',
      progress: { ...progress, confirmation: 'stopped' },
      message: 'livestream stopped by the host; not restarted',
      reason: 'stopped by the host',
    };
  if (facts.live !== undefined)
    return {
      state: 'live',
      progress: { ...progress, confirmation: 'live' },
      message: 'livestream confirmed live',
    };
  return undefined;
}

/** What the rules say for this meeting: a Zoom call to make, or why there is none. */
export type Step =
  | { rule: Rule; call: CallKind; settle?: undefined }
  | { rule: Rule | undefined; call?: undefined; settle: Omit<Settled, 'progress'> };

/**
 * The next Zoom call for this meeting under the rules: the stream target first when the rule
 * sets one not yet accepted (`targetSetFor`), then the start. Pure.
 */
export function chooseStep(
  rules: readonly Rule[],
  data: StartJobData,
  targetSetFor: string | undefined,
): Step {
  const rule = matchRule(rules, data);
  if (!rule)
    return {
      rule,
      settle: {
        state: 'skipped',
        message: 'livestream skipped: no rule matched',
        reason: 'no rule matched',
      },
    };
  if (rule.action === 'skip')
    return {
      rule,
      settle: {
        state: 'skipped',
        message: 'livestream skipped by rule',
        reason: `rule "${rule.name}" skips it`,
      },
    };
  return { rule, call: rule.stream && targetSetFor !== rule.name ? 'target' : 'start' };
}

/** Progress naming the rule that decided, and its target (stream key redacted). */
export function withRule(progress: StartProgress, rule: Rule | undefined): StartProgress {
  if (!rule) return progress;
  return {
    ...progress,
    rule: rule.name,
    ...(rule.stream && { target: redactTarget(rule.stream) }),
  };
}
