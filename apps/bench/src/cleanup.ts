/**
 * Everything the bench starts registers how to stop it here; `runCleanups` stops it all,
 * newest first, on success, failure or Ctrl-C.
 */
const cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

/** Registers a cleanup and returns a function that runs it early (and only once). */
export function onCleanup(what: string, run: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const entry = {
    what,
    run: () => {
      done ??= run();
      return done;
    },
  };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index >= 0) cleanups.splice(index, 1);
    await entry.run();
  };
}

export async function runCleanups(log: (line: string) => void): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.run();
    } catch (error) {
      log(`cleanup of ${entry.what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Ctrl-C or SIGTERM: stop everything, then exit 130/143. A second signal exits at once. */
export function cleanUpOnSignals(log: (line: string) => void): void {
  let stopping = false;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(code);
      stopping = true;
      log(`${signal}: stopping what the bench started…`);
      void runCleanups(log).finally(() => process.exit(code));
    });
  }
}
