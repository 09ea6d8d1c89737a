import type { Transform } from "node:stream";
import type { ContainerRuntime } from "@lb/core";

/**
 * The same runtime, except that the stdout of the next process it starts flows through
 * `transform` first. Lets an engine check its format as the bytes stream past, while
 * `runExecDump` keeps doing the exit-code, stderr and abort work.
 */
export function stdoutThrough(runtime: ContainerRuntime, transform: Transform): ContainerRuntime {
  return {
    inspect: (containerId) => runtime.inspect(containerId),
    readArchive: (containerId, path) => runtime.readArchive(containerId, path),
    async exec(containerId, options) {
      const proc = await runtime.exec(containerId, options);
      proc.stdout.on("error", (error) => transform.destroy(error));
      return {
        stdout: proc.stdout.pipe(transform),
        stderr: proc.stderr,
        exitCode: proc.exitCode,
        kill: () => proc.kill(),
      };
    },
  };
}
