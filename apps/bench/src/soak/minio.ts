import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { type MinioServer, startMinioServer } from "@lb/testing";

/**
 * MinIO that can be killed and brought back on the same port and data, since the agent's
 * ENDPOINT is fixed for its life. `startMinioServer` offers only stop (which removes the
 * data), so the command line, environment and binary of the running server are read from
 * /proc before the kill, and the same command is started again.
 */
export interface SoakMinio {
  server: MinioServer;
  bucket: string;
  /** The server's data folder, where unfinished multipart uploads live on disk. */
  dataDir: string;
  /** SIGKILL, as a crash or an OOM kill would: no chance to finish anything. */
  kill(): Promise<void>;
  /** The same binary, arguments and environment; resolves when it answers signed requests. */
  restart(): Promise<void>;
  /** Multipart uploads MinIO holds on disk (`.minio.sys/multipart/<object hash>/<upload id>`). */
  uploadsOnDisk(): Promise<number>;
  /** Stops a restarted server, then the harness's own (which removes the data). */
  stop(): Promise<void>;
}

interface LaunchCommand {
  binary: string;
  args: string[];
  env: Record<string, string>;
}

const splitNul = (text: string) => text.split("\0").filter((part) => part !== "");

async function commandOf(pid: number): Promise<LaunchCommand> {
  const [binary, cmdline, environ] = await Promise.all([
    readlink(`/proc/${pid}/exe`),
    readFile(`/proc/${pid}/cmdline`, "utf8"),
    readFile(`/proc/${pid}/environ`, "utf8"),
  ]);
  const env: Record<string, string> = {};
  for (const entry of splitNul(environ)) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { binary, args: splitNul(cmdline).slice(1), env };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function gone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // A zombie ("Z") has released its port already; Node reaps it soon after.
  return stat === "" || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

export async function startSoakMinio(): Promise<SoakMinio> {
  const server = await startMinioServer();
  try {
    const command = await commandOf(server.pid);
    const dataDir = command.args[command.args.indexOf("server") + 1] ?? "";
    const bucket = await server.freshBucket();
    let pid = server.pid;
    let restarted: ChildProcess | undefined;
    return {
      server,
      bucket,
      dataDir,
      async kill() {
        process.kill(pid, "SIGKILL");
        for (let i = 0; i < 100 && !(await gone(pid)); i++) await sleep(50);
      },
      async restart() {
        const child = spawn(command.binary, command.args, { env: command.env, stdio: "ignore" });
        restarted = child;
        pid = child.pid ?? 0;
        // As the harness does for its own: a soak that dies hard must not leave MinIO running.
        const killOnExit = () => child.kill("SIGKILL");
        process.once("exit", killOnExit);
        child.once("exit", () => process.off("exit", killOnExit));
        const deadline = Date.now() + 60_000;
        for (;;) {
          // A listing proves the object layer and IAM are back, not just the port.
          if (
            await server.listKeys(bucket, "-").then(
              () => true,
              () => false,
            )
          )
            return;
          if (child.exitCode !== null) throw new Error(`restarted minio exited ${child.exitCode}`);
          if (Date.now() > deadline) throw new Error("restarted minio did not answer within 60 s");
          await sleep(200);
        }
      },
      async uploadsOnDisk() {
        const root = join(dataDir, ".minio.sys", "multipart");
        const objects = await readdir(root, { withFileTypes: true }).catch(() => []);
        let count = 0;
        for (const object of objects) {
          if (!object.isDirectory()) continue;
          const uploads = await readdir(join(root, object.name), { withFileTypes: true }).catch(() => []);
          count += uploads.filter((u) => u.isDirectory()).length;
        }
        return count;
      },
      async stop() {
        if (restarted && restarted.exitCode === null && restarted.signalCode === null) {
          const exited = new Promise((resolve) => restarted!.once("exit", resolve));
          restarted.kill("SIGTERM");
          const timer = setTimeout(() => restarted!.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
