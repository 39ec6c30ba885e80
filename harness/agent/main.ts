// Entry point of the backend agent process:
//   node --import tsx harness/agent/main.ts --id b1 --host 127.30.0.1 [--port 0] [--control-port 0] [--no-udp] [--exit-with-stdin]
// Prints one JSON line (AgentReady) on stdout once it listens; exits on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { startAgent } from './agent.ts';
import type { AgentReady } from './protocol.ts';

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
    'no-udp': { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

if (!values.id) {
  process.stderr.write('agent: --id is required\n');
  process.exit(2);
}

try {
  const agent = await startAgent({
    id: values.id,
    host: values.host,
    port: Number(values.port),
    controlPort: Number(values['control-port']),
    udp: !values['no-udp'],
  });
  const ready: AgentReady = { ready: true, id: agent.id, host: agent.host, port: agent.port, controlPort: agent.controlPort };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = () => void agent.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (values['exit-with-stdin']) {
    // The local driver keeps our stdin open; if it dies, stdin ends: do not outlive it.
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
} catch (err) {
  process.stderr.write(`agent ${values.id}: cannot listen on ${values.host}:${values.port}: ${(err as Error).message}\n`);
  process.exit(1);
}
