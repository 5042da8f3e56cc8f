/**
 * Synchronous kill actions for every process the bench started, run however the bench ends
 * (normal exit, error, Ctrl-C), so a failed run never leaves a gateway or an ffmpeg behind.
 */
const actions = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const action of actions) {
    try {
      action();
    } catch {
      // Best effort: one failure must not stop the others.
    }
  }
  actions.clear();
}

/** Registers a kill action; the returned function unregisters it once the process is known gone. */
export function onCleanup(action: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        runAll();
        process.exit(130);
      });
    }
  }
  actions.add(action);
  return () => actions.delete(action);
}

/**
 * Sends a signal to one process, ignoring "no such process". Refuses pids below 2: a missing pid
 * must never turn into kill(-1) (every process) or kill(0) (our own group).
 */
export function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined || pid < 2) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Signals a whole process group (the bench starts the gateway as a group leader; its decoders are in its group). */
export function signalGroup(leader: number | undefined, sig: NodeJS.Signals): void {
  if (leader === undefined || leader < 2) return;
  try {
    process.kill(-leader, sig);
  } catch {
    // Already gone, or not a group leader.
  }
}
