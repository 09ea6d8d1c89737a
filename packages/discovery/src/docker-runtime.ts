import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { RuntimeError } from "@lb/core";
import type Docker from "dockerode";
import { createDemuxer } from "./demux.js";
import { PID_LINE_PREFIX, PidLineFilter } from "./pid-line.js";

/** `KEY=value` entries to a map; later entries win, as in the engine. */
export function parseEnvList(entries: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** Entrypoint and Cmd come as a list, a single string, or null, depending on the engine's version. */
function asList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return typeof value === "string" ? [value] : value;
}

/**
 * The Docker engine as a `ContainerRuntime`. Exec'd processes are wrapped in a shell
 * that reports their pid on stderr, because the engine has no call to signal an exec'd
 * process: `kill()` signals that pid through a second exec.
 */
export function createDockerRuntime(docker: Docker): ContainerRuntime {
  return {
    async inspect(containerId) {
      try {
        const info = await docker.getContainer(containerId).inspect();
        return {
          id: info.Id,
          name: info.Name.replace(/^\//, ""),
          image: info.Config.Image,
          labels: info.Config.Labels ?? {},
          env: parseEnvList(info.Config.Env),
          command: [...asList(info.Config.Entrypoint), ...asList(info.Config.Cmd)],
          running: info.State.Running,
        } satisfies ContainerInfo;
      } catch (error) {
        throw new RuntimeError(`cannot inspect container ${containerId}: ${describe(error)}`, { cause: error });
      }
    },

    exec: (containerId, options) => startExec(docker, containerId, options),

    async readArchive(containerId, path) {
      try {
        return (await docker.getContainer(containerId).getArchive({ path })) as Readable;
      } catch (error) {
        throw new RuntimeError(`cannot read ${path} from container ${containerId}: ${describe(error)}`, {
          cause: error,
        });
      }
    },
  };
}

/** After its output ended, a process gets this long to be reported as exited. */
const EXIT_WAIT_MS = 30_000;
/** After SIGTERM, a process gets this long before SIGKILL. */
const TERM_GRACE_MS = 5_000;

/**
 * Signals a process and everything it started, children first (listed from /proc before
 * any is signalled), so a tool run through a shell does not live on as an orphan.
 * Arguments: the signal name, then the pid.
 */
const KILL_TREE =
  't() { for c in $(cat /proc/$2/task/*/children 2>/dev/null); do t "$1" "$c"; done; kill -"$1" "$2" 2>/dev/null; }; t "$0" "$1"';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

async function startExec(docker: Docker, containerId: string, options: ExecOptions): Promise<ExecProcess> {
  const container = docker.getContainer(containerId);
  // The wrapper tells its pid on stderr, then becomes the tool: nothing is written in the container.
  const wrapped = ["sh", "-c", `echo "${PID_LINE_PREFIX}$$" >&2 && exec "$@"`, "sh", ...options.cmd];
  let exec: Docker.Exec;
  let socket: NodeJS.ReadWriteStream;
  try {
    exec = await container.exec({
      Cmd: wrapped,
      // Environment travels in the API request body, not in any process's argv.
      Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: options.stdin !== undefined,
      User: options.user,
      WorkingDir: options.workingDir,
    });
    socket = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as NodeJS.ReadWriteStream;
  } catch (error) {
    throw new RuntimeError(`cannot run ${options.cmd[0]} in container ${containerId}: ${describe(error)}`, {
      cause: error,
    });
  }

  const { input, stdout, stderr: rawStderr } = createDemuxer();
  const pidLine = new PidLineFilter();
  const stderr = rawStderr.pipe(pidLine);
  rawStderr.on("error", (error) => pidLine.destroy(error));
  // Readers see a reset socket through their own pipeline or listener; a stream nobody
  // listens to must not turn it into an uncaught exception that ends the agent.
  for (const stream of [stdout, rawStderr, pidLine]) stream.on("error", () => {});
  // A reset socket fails the output streams (their readers see it), never the process.
  const output = pipeline(socket as unknown as Readable, input);
  if (options.stdin) {
    options.stdin.on("error", () => (socket as unknown as Readable).destroy());
    options.stdin.pipe(socket as unknown as NodeJS.WritableStream);
  }

  const running = async () => (await exec.inspect()).Running;
  const exitCode = (async () => {
    await output.catch(() => {});
    // The engine reports the exit a moment after the output ends; a process that closed
    // its output and lives on is not waited for forever.
    const deadline = Date.now() + EXIT_WAIT_MS;
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      const info = await exec.inspect();
      if (!info.Running) return info.ExitCode ?? -1;
      if (Date.now() > deadline) return -1;
      await sleep(wait);
    }
  })();
  // Whoever awaits it sees the error; an unawaited rejection must not end the agent.
  exitCode.catch(() => {});

  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      // The pid line is the first thing the wrapper writes; a loaded engine may deliver it late.
      const pid = await Promise.race([pidLine.pid, sleep(10_000).then(() => undefined)]);
      const signal = async (name: "TERM" | "KILL") => {
        if (!pid || pid <= 1 || !(await running())) return;
        const killer = await container.exec({ Cmd: ["sh", "-c", KILL_TREE, name, String(pid)] });
        (await killer.start({})).resume();
      };
      await signal("TERM").catch(() => {});
      // Its output may back up unread (a failed writer), so the engine is asked, not the stream.
      const deadline = Date.now() + TERM_GRACE_MS;
      while (Date.now() < deadline && (await running().catch(() => false))) await sleep(100);
      await signal("KILL").catch(() => {});
      // Whatever the process does now, its streams end here.
      (socket as unknown as Readable).destroy();
    })();
    return killing;
  };

  return { stdout, stderr, exitCode, kill };
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "statusCode" in error) {
    const { statusCode, json, message } = error as {
      statusCode?: number;
      json?: { message?: string };
      message?: string;
    };
    return `engine answered ${statusCode}: ${json?.message ?? message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
