// The security suite's I/O: one case is a raw exchange from the client plus what the backend's
// capture saw meanwhile. Everything is bounded; nothing is retried.
import type { BackendHost, CapturedConnection, CheckContext, RawExchange, RawReply } from '../../harness/index.ts';

/** How long the backend's capture may trail the client's last byte (the balancer flushing). */
const SETTLE_MS = 100;

export interface Observed {
  client: RawReply | { ok: false; error: string };
  /** The backend connections that carried bytes during the exchange. */
  backend: CapturedConnection[];
}

/** The one backend the security scenario has, with capture on. Throws when the driver cannot capture. */
export async function captureBackend(ctx: CheckContext): Promise<BackendHost & Required<Pick<BackendHost, 'captures' | 'setCapture'>>> {
  const backend = ctx.topology.backends[0];
  if (!backend?.captures || !backend.setCapture) throw new Error('this driver\'s backends cannot capture raw bytes (BackendHost.captures)');
  await backend.setCapture(true);
  return backend as BackendHost & Required<Pick<BackendHost, 'captures' | 'setCapture'>>;
}

export async function observe(ctx: CheckContext, exchange: RawExchange): Promise<Observed> {
  const backend = await captureBackend(ctx);
  await backend.reset();
  const client = await ctx.topology.clients[0]!.raw({ timeoutMs: 4000, quietMs: 1500, ...exchange });
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const captured = await backend.captures();
  return { client: client.ok ? client : { ok: false, error: client.error }, backend: captured.connections };
}

/** Bytes for a person: escaped (\r \n \0 and other control bytes visible), cut to `max` chars. */
export function excerpt(bytes: string, max = 240): string {
  const escaped = JSON.stringify(bytes.length > max ? bytes.slice(0, max) : bytes).slice(1, -1);
  return bytes.length > max ? `${escaped}… (${bytes.length} bytes)` : escaped;
}
