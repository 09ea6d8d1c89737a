import { finished, Readable } from "node:stream";
import type { DumpContext, Dumper, DumpResult, RunningDump } from "@lb/core";
import { AbortedError, DUMPER_CONTRACT_VERSION, DumpError, errorMessage } from "@lb/core";
import { TarWalk } from "./tar-walk.js";
import { volumePath } from "./volume-path.js";
import { restoreVolume } from "./volume-restore.js";

/** A dump that failed before any byte: an empty stream and the reason. */
function failedDump(error: Error): RunningDump {
  const completed = Promise.reject(error);
  completed.catch(() => {});
  return { stream: Readable.from([]), extension: "tar", completed, abort: async () => {} };
}

/**
 * Reads `backup.path` through the runtime's archive call and checks, as the bytes go
 * by, that the tar is well formed and reaches its end-of-archive marker. There is no
 * process and no exit code: the stream ending early or the engine refusing is the failure.
 */
async function dumpVolume(context: DumpContext): Promise<RunningDump> {
  const where = volumePath(context.spec);
  if ("problem" in where) throw new DumpError(where.problem);
  const { path } = where;
  const container = context.container.name;
  if (context.signal.aborted) throw new AbortedError(`the archive of ${path} was not started: the run was aborted`);

  let source: Readable;
  try {
    source = await context.runtime.readArchive(context.spec.containerId, path);
  } catch (error) {
    return failedDump(
      new DumpError(`cannot archive ${path} in container ${container}: ${errorMessage(error)}`, { cause: error }),
    );
  }

  const walker = new TarWalk();
  let aborted = false;
  const abort = async () => {
    aborted = true;
    source.destroy();
  };
  const onAbort = () => void abort();
  context.signal.addEventListener("abort", onAbort, { once: true });

  const completed = new Promise<DumpResult>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      context.signal.removeEventListener("abort", onAbort);
      if (aborted) return reject(new AbortedError(`the archive of ${path} was stopped before it finished`));
      if (error) return reject(error);
      const verdict = walker.verdict();
      if (verdict.complete) return resolve({});
      reject(new DumpError(`the archive of ${path} in container ${container} is incomplete: ${verdict.reason}`));
    };
    finished(source, (error) => {
      if (error) {
        // The reader sees a clean end; `completed` says why it came early.
        walker.end();
        settle(
          new DumpError(`reading ${path} from container ${container} failed: ${errorMessage(error)}`, { cause: error }),
        );
        return;
      }
      walker.end((error?: Error | null) =>
        settle(error ? new DumpError(`the archive of ${path} could not be checked: ${error.message}`) : undefined),
      );
    });
    // The reader gave up on the stream: stop the engine's transfer too.
    walker.on("close", () => {
      if (settled) return;
      source.destroy();
      settle(new DumpError(`the archive of ${path} was closed by its reader before it ended`));
    });
  });
  completed.catch(() => {});

  source.pipe(walker, { end: false });
  return { stream: walker, extension: "tar", completed, abort };
}

/**
 * A path inside a container (`backup.path`), as tar, read through the engine's archive
 * API; restored by `tar` inside the container.
 */
export function volumeDumper(): Dumper {
  return {
    contractVersion: DUMPER_CONTRACT_VERSION,
    engine: "volume",
    dump: dumpVolume,
    restore: restoreVolume,
  };
}
