// Streams a client's request body to the backend as the proxy framed it (request-head.ts): a length
// is sent as that length, chunked is re-chunked by Node, no body is no body; bytes are never passed
// through raw. A body that does not arrive whole (the client went away, or a chunked body ran past
// limits.body) destroys the upstream request, so a half-sent request never sits on a pooled
// connection where the backend would read what follows as its rest.
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { BodyFraming } from './request-head.ts';

export function sendBody(req: IncomingMessage, upstream: ClientRequest, framing: BodyFraming, limit: number | undefined, overLimit: () => void): void {
  if (framing.kind === 'none') {
    upstream.end();
    return;
  }
  req.once('close', () => {
    if (!req.complete && !upstream.destroyed) upstream.destroy();
  });
  if (framing.kind === 'chunked' && limit !== undefined) {
    let bytes = 0;
    // Registered before pipe(), so the chunk that crosses the limit is never written upstream.
    const count = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) return;
      req.off('data', count);
      req.unpipe(upstream);
      upstream.destroy();
      overLimit();
    };
    req.on('data', count);
  }
  req.pipe(upstream);
}
