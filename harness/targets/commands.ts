// Small process helpers for targets: is a command on PATH, what does it print.
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { execFile } from 'node:child_process';

export async function commandExists(command: string): Promise<boolean> {
  const candidates = isAbsolute(command) || command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, command));
  for (const path of candidates) {
    try {
      await access(path, constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

/** stdout+stderr of a short command (bounded by timeoutMs), or undefined if it could not run. */
export function commandOutput(argv: string[], timeoutMs = 5000): Promise<string | undefined> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const text = `${stdout ?? ''}${stderr ?? ''}`;
      resolve(err && !text ? undefined : text);
    });
  });
}
