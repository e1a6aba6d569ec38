import { credentialsReport } from '../../src/service/readiness';

it('is unready only when every account’s credentials are rejected, and names the accounts', () => {
  expect(credentialsReport([])).toEqual({ problems: [], warnings: [] });
  // The one account of the ZOOM_* variables: the words of the release before accounts.
  expect(credentialsReport([{ account: 'default', state: 'rejected' }])).toEqual({
    problems: [
      'zoom rejected the client credentials: check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET',
    ],
    warnings: [],
  });
  const some = credentialsReport([
    { account: 'campus', state: 'rejected' },
    { account: 'north', state: 'unknown' },
    { account: 'south', state: 'accepted' },
  ]);
  expect(some.problems).toEqual([]);
  expect(some.warnings).toEqual([
    expect.stringMatching(
      /^zoom rejected the client credentials of account campus: .*the other accounts keep starting$/,
    ),
  ]);
  const all = credentialsReport([
    { account: 'campus', state: 'rejected' },
    { account: 'north', state: 'rejected' },
  ]);
  expect(all.warnings).toEqual([]);
  expect(all.problems).toEqual([
    'zoom rejected the client credentials of every account (campus, north): check their client_id and client_secret',
  ]);
});
