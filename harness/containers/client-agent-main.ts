// Entry point of the client agent inside a client container:
//   node --import tsx harness/containers/client-agent-main.ts --address A --entry HOST:PORT [--control-port N]
// Prints one JSON line {"ready":true,"controlPort":N} once it listens; exits on SIGTERM or stdin EOF.
import { parseArgs } from 'node:util';
import { startClientAgent } from './client-agent.ts';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    entry: { type: 'string' },
    'control-port': { type: 'string', default: '0' },
  },
});
const entry = /^(.+):(\d+)$/.exec(values.entry ?? '');
if (!values.address || !entry) {
  process.stderr.write('client-agent: --address and --entry HOST:PORT are required\n');
  process.exit(2);
}

try {
  const agent = await startClientAgent({ address: values.address, entry: { host: entry[1] as string, port: Number(entry[2]) }, controlPort: Number(values['control-port']) });
  process.stdout.write(`${JSON.stringify({ ready: true, controlPort: agent.controlPort })}\n`);
  const stop = () => void agent.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
} catch (err) {
  process.stderr.write(`client-agent: cannot listen on ${values.address}: ${(err as Error).message}\n`);
  process.exit(1);
}
