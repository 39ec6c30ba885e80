// DELIBERATELY BROKEN: an HTTP/1.1 proxy that serves one request at a time, for the slow-reader
// check's own test. Each client's request head goes to the backend on a fresh connection only when
// the previous response has been written to its client in full; responses are streamed with
// backpressure. So one client that reads slowly holds every other client in the queue (the defect
// of a proxy with a single worker blocked on a write, or one backend connection shared in turn).
import { connect, createServer, type Socket } from 'node:net';

export function startSerialProxy(listen: { host: string; port: number }, backend: { host: string; port: number }) {
  const queue: { client: Socket; head: Buffer }[] = [];
  let busy = false;
  const next = () => {
    const job = queue.shift();
    if (!job) return void (busy = false);
    busy = true;
    const { client, head } = job;
    if (client.destroyed) return next();
    const upstream = connect(backend);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      upstream.destroy();
      client.end();
      next();
    };
    upstream.on('error', finish);
    client.on('error', finish);
    upstream.write(head);
    upstream.pipe(client, { end: false });
    upstream.on('end', finish);
  };
  return createServer((client) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const head = buf.subarray(0, end).toString('latin1').split('\r\n').filter((l) => !/^connection:/i.test(l));
      queue.push({ client, head: Buffer.from(`${head.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1') });
      if (!busy) next();
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  }).listen(listen.port, listen.host);
}
