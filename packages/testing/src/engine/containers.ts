import type Docker from "dockerode";

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface TestContainer {
  id: string;
  name: string;
  /** Runs a command inside and buffers its output; for test setup, not for dumps. */
  exec(cmd: string[], options?: { env?: string[]; stdin?: string }): Promise<ExecOutput>;
  /** Stops and removes the container and its anonymous volumes; safe to call twice. */
  remove(): Promise<void>;
}

export interface RunOptions {
  image: string;
  name: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  cmd?: string[];
  /** `host` (services on 127.0.0.1) or `none`; never a bridge. */
  network?: "host" | "none";
  /** A read-only root file system, /tmp included. */
  readOnly?: boolean;
}

export async function runContainer(docker: Docker, options: RunOptions): Promise<TestContainer> {
  const container = await docker.createContainer({
    name: options.name,
    Image: options.image,
    Cmd: options.cmd,
    Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
    Labels: options.labels ?? {},
    HostConfig: { NetworkMode: options.network ?? "none", Init: true, ReadonlyRootfs: options.readOnly ?? false },
  });
  await container.start();
  return wrapContainer(docker, container.id, options.name);
}

export function wrapContainer(docker: Docker, id: string, name: string): TestContainer {
  const container = docker.getContainer(id);
  return {
    id,
    name,
    exec: (cmd, execOptions = {}) => execBuffered(docker, id, cmd, execOptions),
    async remove() {
      await container.remove({ force: true, v: true }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
    },
  };
}

async function execBuffered(
  docker: Docker,
  id: string,
  cmd: string[],
  options: { env?: string[]; stdin?: string },
): Promise<ExecOutput> {
  const exec = await docker.getContainer(id).exec({
    Cmd: cmd,
    Env: options.env,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const { PassThrough } = await import("node:stream");
  const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  if (options.stdin !== undefined) stream.end(options.stdin);
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  let info = await exec.inspect();
  while (info.Running) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    info = await exec.inspect();
  }
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
}
