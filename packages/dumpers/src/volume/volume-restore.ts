import { posix } from "node:path";
import type { Readable } from "node:stream";
import type { RestoreContext } from "@lb/core";
import { DumpError, errorMessage, RestoreError, RuntimeError } from "@lb/core";
import { lastLines, runCommand } from "../shared/run-command.js";
import { TarWalk } from "./tar-walk.js";
import { volumePath } from "./volume-path.js";

// What is at the target path, and whether the container can extract a tar at all.
const INSPECT_TARGET = `
command -v tar >/dev/null 2>&1 || { echo no-tar; exit 0; }
if [ -d "$1" ] && [ ! -L "$1" ]; then
  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    if [ -e "$entry" ] || [ -L "$entry" ]; then echo full-directory; exit 0; fi
  done
  echo empty-directory
elif [ -e "$1" ] || [ -L "$1" ]; then echo other
else echo missing
fi`;

// Empties a directory but keeps it: it is often a volume's mount point.
const CLEAR_TARGET = `
if [ -d "$1" ] && [ ! -L "$1" ]; then rm -rf -- "$1"/* "$1"/.[!.]* "$1"/..?*
else rm -f -- "$1"
fi`;

const EXTRACT = 'mkdir -p -- "$1" && exec tar -x -f - -C "$1"';

/**
 * Extracts a volume archive with `tar` inside the target container: the archive's top
 * entry is the path's own name, so it is extracted into the path's parent folder. The
 * runtime contract has no archive upload, so a container without tar cannot be restored
 * into. A path holding anything is refused unless `force`, which empties it first.
 * Runs as root in the container, like the engine's own archive calls, so owners and
 * modes come back as they were.
 */
export async function restoreVolume(context: RestoreContext): Promise<void> {
  const where = volumePath(context.spec);
  if ("problem" in where) throw new RestoreError(where.problem);
  const { path } = where;
  if (path === "/") throw new RestoreError("cannot restore onto / : backup.path must name a folder or file below it");
  const container = context.container.name;
  const run = (script: string, argument: string, stdin?: Readable) =>
    runCommand(context.runtime, context.spec.containerId, {
      cmd: ["sh", "-c", script, "sh", argument],
      user: "0",
      stdin,
    });

  const inspected = await run(INSPECT_TARGET, path);
  const state = inspected.stdout.trim();
  if (inspected.exitCode !== 0 || state === "") {
    throw new DumpError(`cannot inspect ${path} in container ${container}: ${lastLines(inspected.stderr)}`, {
      exitCode: inspected.exitCode,
      stderr: inspected.stderr,
    });
  }
  if (state === "no-tar") {
    throw new RuntimeError(
      `container ${container} has no tar: volumes are restored by tar inside the container, as the container runtime offers no archive upload`,
    );
  }
  if (state === "full-directory" || state === "other") {
    if (!context.force) {
      throw new RestoreError(`${path} in ${container} is not empty; restore with --force to replace its contents`);
    }
    const cleared = await run(CLEAR_TARGET, path);
    if (cleared.exitCode !== 0) {
      throw new DumpError(`cannot empty ${path} in container ${container}: ${lastLines(cleared.stderr)}`, {
        exitCode: cleared.exitCode,
        stderr: cleared.stderr,
      });
    }
  }

  const walker = new TarWalk({ root: posix.basename(path) });
  let sourceError: unknown;
  context.source.on("error", (error) => {
    sourceError = error;
    // tar sees the end of its input and stops; the error is reported below.
    walker.end();
  });
  context.source.pipe(walker);
  const extracted = await run(EXTRACT, posix.dirname(path), walker);

  const partly = walker.forwarded > 0 ? `; ${path} may be partly restored` : "";
  if (walker.refused) throw new RestoreError(`the archive was refused: ${walker.refused}${partly}`);
  if (extracted.exitCode !== 0) {
    throw new DumpError(`tar exited with code ${extracted.exitCode}: ${lastLines(extracted.stderr)}${partly}`, {
      exitCode: extracted.exitCode,
      stderr: extracted.stderr,
    });
  }
  if (sourceError !== undefined) {
    throw new RestoreError(`the archive could not be read to its end (${errorMessage(sourceError)})${partly}`, {
      cause: sourceError,
    });
  }
  const verdict = walker.verdict();
  if (!verdict.complete) throw new RestoreError(`the archive is incomplete: ${verdict.reason}${partly}`);
}
