import type { Rule } from '../policy/rules';
import { matchRule, redactTarget } from '../policy/rules';
import type { InstanceFacts, StartJobData } from '../queue/start-queue';
import type { CallKind } from './attempt-record';
import type { StartProgress, StartState } from './start-progress';

/** The job ends here, without a Zoom call: what to record and say. */
export interface Settled {
  state: Extract<StartState, 'cancelled' | 'stopped' | 'live' | 'skipped'>;
  progress: StartProgress;
  message: string;
  reason?: string;
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

/** The next Zoom call for this meeting under the rules, or why there is none. Pure. */
export function chooseStep(
  rules: readonly Rule[],
  data: StartJobData,
  progress: StartProgress,
): Settled | { call: CallKind; rule: Rule; progress: StartProgress } {
  const rule = matchRule(rules, data);
  if (!rule)
    return {
      state: 'skipped',
      progress,
      message: 'livestream skipped: no rule matched',
      reason: 'no rule matched',
    };
  const next: StartProgress = {
    ...progress,
    rule: rule.name,
    ...(rule.stream && { target: redactTarget(rule.stream) }),
  };
  if (rule.action === 'skip')
    return {
      state: 'skipped',
      progress: next,
      message: 'livestream skipped by rule',
      reason: `rule "${rule.name}" skips it`,
    };
  const call: CallKind = rule.stream && next.targetSetFor !== rule.name ? 'target' : 'start';
  return { call, rule, progress: next };
}
