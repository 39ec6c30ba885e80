// The backends' own process: the bench backends run here, not in the generator's event loop,
// so serving them never delays the generator's timing. Driven over the IPC channel by host.ts.
import { startBenchBackend, type BenchBackend, type BenchBackendSpec } from './server.ts';

export type HostRequest =
  | { type: 'start'; specs: BenchBackendSpec[] }
  /** Reset counts and model clocks: a repetition begins. */
  | { type: 'begin' }
  | { type: 'snapshot' }
  | { type: 'stop' };

export type HostReply =
  | { type: 'ready'; backends: { id: string; host: string; port: number }[] }
  | { type: 'begun' }
  | { type: 'snapshot'; counts: Record<string, number> }
  | { type: 'error'; message: string };

const backends: BenchBackend[] = [];
const send = (reply: HostReply) => process.send?.(reply);
const counts = () => Object.fromEntries(backends.map((b) => [b.id, b.served()]));

async function stop(): Promise<void> {
  await Promise.all(backends.map((b) => b.close()));
  process.exit(0);
}

process.on('message', (msg: HostRequest) => {
  void (async () => {
    try {
      switch (msg.type) {
        case 'start':
          for (const spec of msg.specs) backends.push(await startBenchBackend(spec));
          send({ type: 'ready', backends: backends.map((b) => ({ id: b.id, host: b.host, port: b.port })) });
          break;
        case 'begin':
          for (const b of backends) {
            b.resetCount();
            b.restartClock();
          }
          send({ type: 'begun' });
          break;
        case 'snapshot':
          send({ type: 'snapshot', counts: counts() });
          break;
        case 'stop':
          await stop();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).message });
    }
  })();
});
// The parent went away: never outlive it.
process.on('disconnect', () => void stop());
