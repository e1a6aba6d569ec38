import { startZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { moreSweeps } from '../support/reconcile';
import { startTestService } from '../support/service';

it('says once that Zoom does not know a RECONCILE_USERS entry, however many sweeps, and once that it does again', async () => {
  const zoom = await startZoomSandbox();
  const service = await startTestService(
    { RECONCILE_USERS: 'sandbox-host,new-host', RECONCILE_INTERVAL_MS: '1000' },
    zoom,
  );
  const said = (msg: string) => service.logs.lines.filter((l) => l.msg === msg);
  try {
    await moreSweeps(service, 3);
    expect(said('reconcile: Zoom does not know this user in the account')).toEqual([
      expect.objectContaining({ user: 'new-host', level: 50 }),
    ]);
    zoom.users.push({ id: 'new-host', email: 'new-host@example.com' });
    await moreSweeps(service, 2);
    expect(said('reconcile: Zoom knows this user again')).toEqual([
      expect.objectContaining({ user: 'new-host' }),
    ]);
    expect(said('reconcile: Zoom does not know this user in the account')).toHaveLength(1);
  } finally {
    await service.stop();
    await zoom.close();
  }
});
