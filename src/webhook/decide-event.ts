import { DEFAULT_ACCOUNT } from '../domain/account';
import { printable } from '../domain/plain-text';
import type { StartJobData } from '../domain/start-job';
import { ZOOM_EVENTS, type EventAction } from '../domain/zoom-events';
import type { PathAccount } from './admit';
import { jsonError, type Answer, type Decision, type LogFields, type Work } from './answer';
import {
  describeIssue,
  meetingPayloadSchema,
  urlValidationPayloadSchema,
  type Envelope,
  type MeetingObject,
} from './envelope';
import { encryptPlainToken } from './signature';

const answer = (a: Answer): Decision => ({ type: 'answer', answer: a });

const DEFAULT_PATH: PathAccount = { name: DEFAULT_ACCOUNT, zoomAccountId: '' };

/** A signed event's decision: the url validation's answer, work to store, or why not. */
export function decideEvent(
  envelope: Envelope,
  secret: string,
  now: number,
  fields: LogFields,
  account: PathAccount = DEFAULT_PATH,
): Decision {
  const { event } = envelope;
  const invalid = (issue: string) =>
    answer({
      event,
      outcome: 'invalid',
      status: 400,
      body: jsonError('invalid_body', `payload.${issue}`),
      fields,
    });
  if (event === 'endpoint.url_validation') {
    const payload = urlValidationPayloadSchema.safeParse(envelope.payload);
    if (!payload.success) return invalid(describeIssue(payload.error));
    const { plainToken } = payload.data;
    const encryptedToken = encryptPlainToken(secret, plainToken);
    const body = { plainToken, encryptedToken };
    return answer({ event, outcome: 'validated', status: 200, body, fields });
  }
  const action = ZOOM_EVENTS[event];
  if (!action) return answer({ event, outcome: 'ignored', status: 204, fields });
  const payload = meetingPayloadSchema.safeParse(envelope.payload);
  if (!payload.success) return invalid(describeIssue(payload.error));
  const foreign = foreignAccount(event, payload.data.account_id, account, fields);
  if (foreign) return answer(foreign);
  const object = payload.data.object;
  const about = {
    ...fields,
    meetingId: object.id,
    ...(object.topic !== undefined && { topic: object.topic }),
  };
  const work = workFor(action, object, envelope.event_ts ?? now, now, account.name);
  return { type: 'store', work, event, fields: about };
}

/**
 * 403 when the event says it is about another Zoom account than the path's: the path's secret
 * signed it, but one account's app never queues work for another (a master account's app that
 * receives its sub-accounts' events, or an app whose endpoint points at the wrong path). Not
 * checked when the account's Zoom id is not known (a receiver run on the `ZOOM_*` variables
 * without `ZOOM_ACCOUNT_ID`), nor when the event carries no `account_id`: Zoom always sends it,
 * and without one the event claims no other account; it stays the path's account's.
 */
function foreignAccount(
  event: string,
  claimed: string | undefined,
  account: PathAccount,
  fields: LogFields,
): Answer | undefined {
  if (account.zoomAccountId === '' || claimed === undefined) return undefined;
  if (claimed === account.zoomAccountId) return undefined;
  const body = jsonError('foreign_account', 'event of another Zoom account than this path’s');
  const why = { ...fields, foreignAccountId: printable(claimed).slice(0, 40) };
  return { event, outcome: 'foreign_account', status: 403, body, fields: why };
}

/** A start to enqueue, received `now`; or a fact about the instance, at Zoom's event time. */
function workFor(
  action: EventAction,
  object: MeetingObject,
  eventAt: number,
  now: number,
  account: string,
): Work {
  // The default account is left out, so its jobs keep the shape of the release before accounts.
  const of = account === DEFAULT_ACCOUNT ? {} : { account };
  if (action.type === 'fact') {
    const { kind, fact } = action;
    return { type: 'record', kind, uuid: object.uuid, fact, at: eventAt, ...of };
  }
  const data: StartJobData = {
    kind: action.kind,
    meetingId: object.id,
    uuid: object.uuid,
    receivedAt: now,
    source: 'webhook',
    ...(object.topic !== undefined && { topic: object.topic }),
    ...(object.host_id !== undefined && { hostId: object.host_id }),
    ...(object.type !== undefined && { meetingType: object.type }),
    ...of,
  };
  return { type: 'enqueue', data };
}
