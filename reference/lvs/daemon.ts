// Runs the LVS engine as a process: `node --import tsx reference/lvs/daemon.ts <config.yaml>`.
// Prints one JSON line {"ready":true,"warnings":[…],"admin":"127.0.0.1:9000"} once every real server's MAC is
// known ("admin" only with `admin.listen`: the HTTP admin channel, admin.ts), then answers stdin lines:
// "stats" → one JSON line of counters and CPU time. Stops on stdin end, SIGTERM or SIGINT.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { startAdmin, type AdminServer } from './admin.ts';
import { parseLvsConfigText } from './config.ts';
import { LvsRunner } from './runner.ts';

export async function runDaemon(configPath: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const config = parseLvsConfigText(await readFile(configPath, 'utf8'), configPath);
  const runner = LvsRunner.start(config);
  let admin: AdminServer | undefined;
  try {
    if (config.admin) admin = await startAdmin(runner, config.admin.listen, (l) => process.stderr.write(`${l}\n`));
  } catch (err) {
    await runner.stop();
    throw new Error(`admin.listen ${config.admin!.listen.host}:${config.admin!.listen.port}: ${(err as Error).message}`);
  }
  const adminField = admin ? { admin: admin.address } : {};
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await admin?.close();
    await runner.stop();
  };
  const lines = createInterface({ input: process.stdin });
  const done = new Promise<void>((resolve) => {
    lines.on('close', () => void stop().then(resolve));
    process.once('SIGTERM', () => void stop().then(resolve));
    process.once('SIGINT', () => void stop().then(resolve));
  });
  lines.on('line', (line) => {
    if (line.trim() === 'stats') write(JSON.stringify(runner.stats()));
  });
  try {
    await runner.waitForNeighbours(10_000);
    write(JSON.stringify({ ready: true, warnings: runner.warnings, ...adminField }));
  } catch (err) {
    write(JSON.stringify({ ready: false, error: (err as Error).message, ...adminField }));
  }
  await done;
  lines.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: daemon.ts <config.yaml>\n');
    process.exit(2);
  }
  runDaemon(path).then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`lvs: ${err.message}\n`);
      process.exit(1);
    },
  );
}
