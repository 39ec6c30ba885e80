// Pooled, multiplexed HTTP/2 sessions to backends (upstream protocol h2 or h2c): one session per
// backend, shared by every stream sent there, replaced when it closes, errors or is sent GOAWAY.
// Sessions idle (no open stream) longer than IDLE_MS are closed.
import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import { readFileSync } from 'node:fs';
import type { BackendState } from '../../pool/index.ts';

const IDLE_MS = 4000;

export interface UpstreamTls {
  readonly ca?: string | undefined;
  readonly servername?: string | undefined;
  readonly verify: boolean;
}

export class UpstreamSessions {
  private readonly sessions = new Map<BackendState, ClientHttp2Session>();
  private readonly ca: string | undefined;

  constructor(
    private readonly protocol: 'h2' | 'h2c',
    private readonly tls: UpstreamTls | undefined,
    private readonly settings: { readonly maxHeaderListSize: number },
  ) {
    this.ca = tls?.ca === undefined ? undefined : readFileSync(tls.ca, 'utf8');
  }

  /** The live session to a backend, opened when there is none. */
  get(backend: BackendState): ClientHttp2Session {
    const existing = this.sessions.get(backend);
    if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
    const host = backend.host.includes(':') ? `[${backend.host}]` : backend.host;
    const options: SecureClientSessionOptions = { settings: { enablePush: false, maxHeaderListSize: this.settings.maxHeaderListSize } };
    if (this.protocol === 'h2') {
      options.ALPNProtocols = ['h2'];
      options.rejectUnauthorized = this.tls?.verify !== false;
      if (this.ca !== undefined) options.ca = this.ca;
      // node:tls checks the certificate against servername, else the host (an IP needs an IP SAN).
      if (this.tls?.servername !== undefined) options.servername = this.tls.servername;
    }
    const session = connect(`${this.protocol === 'h2' ? 'https' : 'http'}://${host}:${backend.port}`, options);
    session.on('error', () => {}); // streams see their own errors
    const drop = () => {
      if (this.sessions.get(backend) === session) this.sessions.delete(backend);
    };
    session.once('close', drop);
    session.once('goaway', drop);
    session.setTimeout(IDLE_MS, () => {
      // No frames for IDLE_MS: nothing is in flight that still moves; close gracefully.
      drop();
      session.close();
    });
    session.once('connect', (_s, socket) => {
      socket.once('close', () => {
        backend.bytesOut += socket.bytesWritten;
        backend.bytesIn += socket.bytesRead;
      });
    });
    this.sessions.set(backend, session);
    return session;
  }

  /** GOAWAY to every backend session; streams in flight may finish. */
  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  destroy(): void {
    for (const s of this.sessions.values()) s.destroy();
    this.sessions.clear();
  }
}

