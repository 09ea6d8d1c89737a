import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

export interface DockerEngine {
  /** `unix:///path` or `tcp://host:port`, for `DOCKER_HOST`. */
  dockerHost: string;
  docker: Docker;
  /** True when this harness started the engine (and so will stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

/** A dockerode client for a `DOCKER_HOST` value. */
export function dockerFromHost(dockerHost: string): Docker {
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) });
  const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: "http" });
}

async function answers(dockerHost: string): Promise<boolean> {
  if (dockerHost.startsWith("unix://") && !existsSync(dockerHost.slice(7))) return false;
  try {
    await dockerFromHost(dockerHost).ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * The engine the tests run against: `DOCKER_HOST` when it answers, the default socket
 * when it answers, else a private `dockerd` in temp folders that touches no host
 * firewall and has no bridge (containers use host networking or none).
 */
export async function connectOrStartDockerEngine(): Promise<DockerEngine> {
  for (const candidate of [process.env.DOCKER_HOST, "unix:///var/run/docker.sock"]) {
    if (candidate && (await answers(candidate))) {
      return { dockerHost: candidate, docker: dockerFromHost(candidate), owned: false, stop: async () => {} };
    }
  }
  return startPrivateDockerEngine();
}

/** A dockerd this harness runs, which a test may also crash and bring back. */
export interface PrivateDockerEngine extends DockerEngine {
  /** Kills dockerd at once (SIGKILL), as a crash would; its data stays. */
  kill(): Promise<void>;
  /** Starts dockerd again on the same data and socket. */
  restart(): Promise<void>;
}

export async function startPrivateDockerEngine(): Promise<PrivateDockerEngine> {
  const dockerd = findDockerd();
  // A short path: unix socket paths are limited to about 100 characters.
  const dir = await mkdtemp(join(tmpdir(), "lb-engine-"));
  const socket = join(dir, "docker.sock");
  const dockerHost = `unix://${socket}`;
  let child: ChildProcess;

  const launch = async () => {
    let log = "";
    child = spawn(
      dockerd,
      [
        "--storage-driver=overlay2",
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
        "--ip-masq=false",
        `--data-root=${join(dir, "data")}`,
        `--exec-root=${join(dir, "exec")}`,
        `--pidfile=${join(dir, "dockerd.pid")}`,
        "-H",
        dockerHost,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-8000);
    });
    const deadline = Date.now() + 60_000;
    while (!(await answers(dockerHost))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`dockerd did not start (exit ${child.exitCode}):\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  try {
    await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dockerHost,
    docker: dockerFromHost(dockerHost),
    owned: true,
    async kill() {
      await stopProcess(child, 0, "SIGKILL");
    },
    restart: launch,
    async stop() {
      await stopProcess(child, 30_000);
      await unmountLeftovers(dir);
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/**
 * Container file systems dockerd left mounted under `dir` (it was killed before it had
 * stopped every container): unmounted lazily, deepest first, so that the folder and its
 * gigabytes of layers can be removed instead of piling up in /tmp.
 */
async function unmountLeftovers(dir: string): Promise<void> {
  const table = await readFile("/proc/mounts", "utf8").catch(() => "");
  const points = table
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort()
    .reverse();
  for (const point of points) {
    await new Promise<void>((resolve) => execFile("umount", ["-l", point], () => resolve()));
  }
}

function findDockerd(): string {
  for (const path of ["/usr/sbin/dockerd", "/usr/bin/dockerd", "/usr/local/bin/dockerd"]) {
    if (existsSync(path)) return path;
  }
  throw new Error(
    "No Docker engine answers and dockerd is not installed: set DOCKER_HOST, or install Debian's docker.io (scripts/install-test-deps.sh does)",
  );
}

async function stopProcess(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
