// A ClientHost whose traffic comes from a client container: every call is one RPC to the client
// agent there (client-agent.ts). Outcomes, timings and local endpoints are measured in the
// container, so they are the same data the local driver's client returns.
import type {
  ClientHost,
  ExchangeOptions,
  HeldExchange,
  HttpOutcome,
  HttpRequest,
  HttpSession,
  StreamOutcome,
  TransferOptions,
  TransferOutcome,
  RawExchange,
  RawOutcome,
  Http2Exchange,
  Http2Outcome,
  TlsProbe,
  TlsOutcome,
} from '../topology.ts';
import type { ClientRpc, HeldReply } from './client-agent.ts';

const DEFAULT_TIMEOUT_MS = 5_000;
/** A transfer's own default, as in the local client. */
const TRANSFER_TIMEOUT_MS = 60_000;
/** How long one ended() call waits in the client container. */
const ENDED_WAIT_MS = 30_000;
/** Room for the RPC itself on top of the exchange's own timeout. */
const RPC_MARGIN_MS = 10_000;

export class RemoteClient implements ClientHost {
  constructor(
    readonly address: string,
    private readonly control: string,
  ) {}

  private async call<T>(rpc: ClientRpc, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const res = await fetch(`${this.control}/rpc`, {
      method: 'POST',
      body: JSON.stringify(rpc),
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs + RPC_MARGIN_MS),
    });
    const body = (await res.json()) as T & { error?: string };
    if (res.status !== 200) throw new Error(`client agent at ${this.address}: ${body.error ?? res.status}`);
    return body;
  }

  http(request: HttpRequest = {}): Promise<HttpOutcome> {
    return this.call({ op: 'http', request }, request.timeoutMs);
  }

  tcp(line: string, options: ExchangeOptions = {}): Promise<StreamOutcome> {
    return this.call({ op: 'tcp', line, options }, options.timeoutMs);
  }

  udp(payload: string, options: ExchangeOptions = {}): Promise<StreamOutcome> {
    return this.call({ op: 'udp', payload, options }, options.timeoutMs);
  }

  udpFlow(payloads: readonly string[], options: ExchangeOptions = {}): Promise<StreamOutcome[]> {
    // The whole flow runs in the client container: allow every datagram its timeout.
    return this.call({ op: 'udpFlow', payloads: [...payloads], options }, (options.timeoutMs ?? 5000) * Math.max(1, payloads.length));
  }

  transfer(options: TransferOptions): Promise<TransferOutcome> {
    return this.call({ op: 'transfer', options }, options.timeoutMs ?? TRANSFER_TIMEOUT_MS);
  }

  raw(exchange: RawExchange): Promise<RawOutcome> {
    // timeoutMs bounds the whole exchange there, delays included.
    return this.call({ op: 'raw', exchange }, exchange.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  http2(exchange: Http2Exchange): Promise<Http2Outcome> {
    return this.call({ op: 'http2', exchange }, exchange.timeoutMs ?? 10_000);
  }

  tlsHandshake(probe: TlsProbe): Promise<TlsOutcome> {
    return this.call({ op: 'tlsHandshake', probe }, probe.timeoutMs);
  }

  private held(reply: HeldReply): HeldExchange {
    if ('error' in reply) throw new Error(reply.error);
    const close = async () => void (await this.call({ op: 'close', id: reply.id }));
    // Resolves once the exchange has ended in the client container (bounded there; callers race it too).
    const ended = async () => void (await this.call({ op: 'ended', id: reply.id, timeoutMs: ENDED_WAIT_MS }, ENDED_WAIT_MS));
    return {
      backend: reply.backend,
      local: reply.local,
      ...(reply.token !== undefined ? { token: reply.token } : {}),
      ended,
      close,
      [Symbol.asyncDispose]: close,
    };
  }

  async holdHttp(request: HttpRequest = {}): Promise<HeldExchange> {
    return this.held(await this.call<HeldReply>({ op: 'holdHttp', request }, request.timeoutMs));
  }

  async holdTcp(line?: string, options: ExchangeOptions = {}): Promise<HeldExchange> {
    return this.held(await this.call<HeldReply>({ op: 'holdTcp', ...(line !== undefined ? { line } : {}), options }, options.timeoutMs));
  }

  async httpSession(): Promise<HttpSession> {
    const { id } = await this.call<{ id: string }>({ op: 'openSession' });
    const close = async () => void (await this.call({ op: 'close', id }));
    return {
      request: (request: HttpRequest = {}) => this.call<HttpOutcome>({ op: 'sessionRequest', id, request }, request.timeoutMs),
      close,
      [Symbol.asyncDispose]: close,
    };
  }
}
