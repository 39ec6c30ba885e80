// Ctrl-C and SIGTERM tear down every topology this process has running, then let the signal take
// its normal course. Handlers are installed only while something is running.
type Teardown = () => Promise<unknown>;

const active = new Set<Teardown>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  uninstall();
  process.stderr.write(`fulcrum: ${signal}: removing ${active.size} container topolog${active.size === 1 ? 'y' : 'ies'}\n`);
  await Promise.allSettled([...active].map((teardown) => teardown()));
  // Re-raise now that our handler is gone, so the process ends the way the signal asks. Other
  // listeners see it again: e.g. signal-exit (pulled in by dependencies) only re-kills the
  // process when it is the last listener, which it now is; handlers that exit anyway just do.
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Register a teardown to run on a signal; returns the function that unregisters it. */
export function teardownOnSignal(teardown: Teardown): () => void {
  active.add(teardown);
  install();
  return () => {
    active.delete(teardown);
    if (active.size === 0) uninstall();
  };
}

export function activeTeardowns(): number {
  return active.size;
}
