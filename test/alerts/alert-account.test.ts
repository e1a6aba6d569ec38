import { alertBody, type Alert } from '../../src/alerts/alerts';

const ALERT: Alert = {
  type: 'webhook_missed',
  kind: 'meeting',
  meetingId: '85011112222',
  topic: 'Lecture',
  reason: 'no webhook came',
  zoomCode: undefined,
  attempts: 0,
  jobId: 'campus.meeting-abc',
  at: '2026-01-01T00:00:00.000Z',
};

it("names another account than default in the alert's text and in an account field", () => {
  const body = alertBody({ ...ALERT, account: 'campus' });
  expect(body.text).toContain(
    'the meeting live and is starting its stream (account campus) for meeting 85011112222',
  );
  expect(body.account).toBe('campus');
});

it("leaves the text of the default account's alert as it was before accounts; its field says default", () => {
  const body = alertBody(ALERT);
  expect(body).toHaveProperty('account', 'default');
  expect(body.text).not.toContain('account');
});
