import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import type Docker from "dockerode";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  kernel: string;
  node: string;
  engine: string;
  gzip: string;
  /** 1-minute load average when the bench started: other work on the machine skews timings. */
  loadAtStart: number;
}

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")[0]!
      .trim();
  } catch {
    return "unknown";
  }
}

export async function describeMachine(docker: Docker): Promise<MachineInfo> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const osRelease = (() => {
    try {
      return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "unknown";
    } catch {
      return "unknown";
    }
  })();
  const version = await docker.version();
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryBytes: totalmem(),
    os: osRelease,
    kernel: release(),
    node: process.version,
    engine: `Docker Engine ${version.Version} (API ${version.ApiVersion}), ${version.Os}/${version.Arch}`,
    gzip: firstLine("gzip", ["--version"]),
    loadAtStart: loadavg()[0] ?? 0,
  };
}
