// Last-resort cleanup: whatever the harness started dies with it. Live topologies are torn down on
// SIGINT/SIGTERM (then exit 130/143); process groups still alive at exit are SIGKILLed.
// Handlers are installed only while something is live, so they never change an idle process.

const groups = new Set<number>();
const teardowns = new Set<() => Promise<void>>();
let installed = false;

function killGroupsNow(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  process.stderr.write(`\nfulcrum: ${signal}, stopping everything started…\n`);
  const all = Promise.allSettled([...teardowns].map((t) => t()));
  const deadline = new Promise((r) => setTimeout(r, 5000).unref());
  void Promise.race([all, deadline]).finally(() => {
    killGroupsNow();
    process.exit(code);
  });
}

function sync(): void {
  const live = groups.size > 0 || teardowns.size > 0;
  if (live && !installed) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', killGroupsNow);
    installed = true;
  } else if (!live && installed) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killGroupsNow);
    installed = false;
  }
}

/** Tracks a process group (its leader's pid) until the returned function is called. */
export function trackGroup(pid: number): () => void {
  groups.add(pid);
  sync();
  return () => {
    groups.delete(pid);
    sync();
  };
}

/** Registers an orderly teardown to run on SIGINT/SIGTERM, until the returned function is called. */
export function trackTeardown(teardown: () => Promise<void>): () => void {
  teardowns.add(teardown);
  sync();
  return () => {
    teardowns.delete(teardown);
    sync();
  };
}

/** Process groups started and not yet exited (for tests that assert nothing is left running). */
export function liveGroups(): number[] {
  return [...groups];
}
