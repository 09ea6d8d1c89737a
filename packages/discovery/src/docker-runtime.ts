import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { RuntimeError } from "@lb/core";
import type Docker from "dockerode";
import { createDemuxer } from "./demux.js";

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
 * that records their pid inside the container, because the engine has no call to
 * signal an exec'd process: `kill()` signals it through a second exec.
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

async function startExec(docker: Docker, containerId: string, options: ExecOptions): Promise<ExecProcess> {
  const container = docker.getContainer(containerId);
  const pidFile = `/tmp/.label-backup-${randomUUID()}.pid`;
  const wrapped = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', pidFile, ...options.cmd];
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

  const { input, stdout, stderr } = createDemuxer();
  const output = pipeline(socket as unknown as Readable, input);
  if (options.stdin) options.stdin.pipe(socket as unknown as NodeJS.WritableStream);

  // Waited for, so that a finished process leaves nothing behind in the container.
  const removePidFile = () =>
    container
      .exec({ Cmd: ["rm", "-f", pidFile], AttachStdout: true, AttachStderr: true })
      .then((e) => e.start({}))
      .then(
        (stream) =>
          new Promise<void>((resolve) => {
            stream.on("end", () => resolve());
            stream.on("close", () => resolve());
            stream.on("error", () => resolve());
            stream.resume();
          }),
      )
      .catch(() => {});

  const exitCode = (async () => {
    await output.catch(() => {});
    for (;;) {
      const info = await exec.inspect();
      if (!info.Running) {
        await removePidFile();
        return info.ExitCode ?? -1;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      const signal = async (name: string) => {
        const killer = await container.exec({
          Cmd: ["sh", "-c", `[ -f "$0" ] && kill -${name} "$(cat "$0")"`, pidFile],
        });
        (await killer.start({})).resume();
      };
      await signal("TERM").catch(() => {});
      const ended = await Promise.race([
        exitCode.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
      ]);
      if (!ended) await signal("KILL").catch(() => {});
      socket.end();
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
