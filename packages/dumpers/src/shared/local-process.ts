import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { ExecProcess } from "@lb/core";
import { RuntimeError } from "@lb/core";
import { type CommandLimits, type CommandResult, collectOutput } from "./run-command.js";

/**
 * A tool run on the agent's side (client mode), shaped like a process exec'd in a
 * container so the same dump logic drives both. Secrets go in `env`, never in `cmd`.
 */
export function spawnLocal(
  cmd: string[],
  options: { env?: Record<string, string>; stdin?: Readable } = {},
): Promise<ExecProcess> {
  const [file, ...args] = cmd;
  if (!file) throw new RuntimeError("no command to run");
  const child = spawn(file, args, {
    // Only what the tool needs: the agent's own secrets stay out of its environment.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    // Its own process group, so that stopping it also stops what it started (a shell's pipeline).
    detached: true,
  });
  if (options.stdin && child.stdin) {
    // A tool that exits before reading all of its stdin is judged by its exit code, not by EPIPE.
    child.stdin.on("error", () => {});
    options.stdin.pipe(child.stdin);
  }
  const exitCode = new Promise<number>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "ENOENT" ? "it is not installed beside the agent (not found on its PATH)" : error.message;
      reject(new RuntimeError(`cannot run ${file}: ${reason}`, { cause: error }));
    });
    // "close" comes after the output streams ended, so no byte is lost.
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return Promise.resolve({
    stdout: child.stdout!,
    stderr: child.stderr!,
    exitCode,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), 5000);
      await exitCode.catch(() => {});
      clearTimeout(timer);
    },
  });
}

/** A short command beside the agent (a version probe), its output kept bounded. */
export async function runLocalCommand(
  cmd: string[],
  options: { env?: Record<string, string>; stdin?: Readable } = {},
  limits: CommandLimits = {},
): Promise<CommandResult> {
  return collectOutput(await spawnLocal(cmd, options), limits, cmd[0]);
}

/** Signals the process group `pid` leads; one that is already gone is no error. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Exited between the check and the signal.
  }
}
