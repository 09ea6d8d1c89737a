import type { Readable } from "node:stream";

/** What the agent needs to know about a container, whatever the engine behind it. */
export interface ContainerInfo {
  id: string;
  /** Name without the leading slash Docker adds. */
  name: string;
  image: string;
  labels: Record<string, string>;
  /** The container's configured environment, parsed from `KEY=value` entries. */
  env: Record<string, string>;
  /**
   * The configured entrypoint followed by the command, as the engine would start them,
   * when the runtime knows them. A dumper may read options there (Redis's `--requirepass`).
   */
  command?: string[];
  running: boolean;
}

export interface ExecOptions {
  cmd: string[];
  /** Extra environment for this process only; secrets go here, never into `cmd`. */
  env?: Record<string, string>;
  /** Fed to the process's stdin and then closed. */
  stdin?: Readable;
  user?: string;
  workingDir?: string;
}

/** A process running inside a container. */
export interface ExecProcess {
  stdout: Readable;
  stderr: Readable;
  /** Resolves with the exit code once the process has ended and its output is drained. */
  exitCode: Promise<number>;
  /** Ends the process; safe to call more than once or after it has exited. */
  kill(): Promise<void>;
}

/**
 * The engine as dumpers see it. Dumpers never talk to Docker directly: the agent
 * hands them this, so the same engine code runs over any runtime that implements it.
 */
export interface ContainerRuntime {
  inspect(containerId: string): Promise<ContainerInfo>;
  exec(containerId: string, options: ExecOptions): Promise<ExecProcess>;
  /** A tar stream of `path` inside the container. */
  readArchive(containerId: string, path: string): Promise<Readable>;
}
