import { createZoomDispatcher } from '../../src/zoom/http';
import { PacerBusyError, type AcquireOptions, type Pacer } from '../../src/zoom/pacer';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { pacedSandboxClient } from '../support/paced-client';

// A start whose reserved slot went stale takes a new one reserved ahead (it will wait for it in
// the queue); an operator's stop, which cannot come back for a slot, reserves nothing ahead.

let zoom: ZoomSandbox;
const dispatcher = createZoomDispatcher(2000);
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
});
afterEach(() => zoom.close());
afterAll(() => dispatcher.close());

async function staleCall(kind: 'start' | 'stop') {
  const asked: (AcquireOptions | undefined)[] = [];
  const reservation = { at: 1_800_000_000_000, epoch: 1 };
  const pacer: Pacer = {
    acquire: async (options) => {
      asked.push(options);
      throw new PacerBusyError(5000, options?.reserveAhead ? reservation : undefined, 250);
    },
    pause: async () => undefined,
  };
  const client = await pacedSandboxClient(zoom, dispatcher, pacer);
  const slot = Promise.resolve({ fresh: () => false });
  const call =
    kind === 'start'
      ? client.startLivestream('meeting', '85012345678', {}, { slot, reserveAhead: true })
      : client.stopLivestream('meeting', '85012345678', { slot });
  const error = await call.catch((e: unknown) => e);
  return { asked, error: error as PacerBusyError };
}

it('replaces a stale slot of a start with one reserved ahead, handed back to the caller', async () => {
  const { asked, error } = await staleCall('start');
  expect(asked).toEqual([{ reserveAhead: true }]);
  expect(error.reservation).toEqual({ at: 1_800_000_000_000, epoch: 1 });
  expect(zoom.livestreamCalls()).toEqual([]);
});

it("reserves nothing ahead for an operator's stop", async () => {
  const { asked, error } = await staleCall('stop');
  expect(asked).toEqual([undefined]);
  expect(error).toBeInstanceOf(PacerBusyError);
  expect(error.reservation).toBeUndefined();
});
