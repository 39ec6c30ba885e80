// A cleartext socket whose first bytes were already read (to tell the HTTP/2 preface from
// HTTP/1.1), as a Duplex that yields those bytes again before the rest. node:http2 reads a real
// socket's native handle directly and would miss bytes put back with unshift(); a Duplex without
// a native handle makes it read through JS, where the bytes are. Back-pressure passes both ways.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export function rewound(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(err, done) {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  if (head.length > 0) duplex.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('close', () => duplex.destroy());
  return duplex;
}
