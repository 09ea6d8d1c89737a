import type { ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { AbortedError, BoundedCapture, RuntimeError } from "@lb/core";

export interface CommandResult {
  exitCode: number;
  /** Bounded: the first and last 64 KB. */
  stdout: string;
  /** Bounded: the first and last 4 KB. */
  stderr: string;
}

/** When a probe (a version, whether a tool exists) is given up: it should answer at once. */
export const PROBE_TIMEOUT_MS = 30_000;

export interface CommandLimits {
  /** Stops the command after this long; it then fails. None by default (restores take what they take). */
  timeoutMs?: number;
  /** Stops the command when the run is aborted. */
  signal?: AbortSignal;
}

/**
 * Runs a short command in a container (a version probe, an emptiness check, a restore
 * fed through stdin) and keeps a bounded amount of its output.
 */
export async function runCommand(
  runtime: ContainerRuntime,
  containerId: string,
  options: ExecOptions,
  limits: CommandLimits = {},
): Promise<CommandResult> {
  return collectOutput(await runtime.exec(containerId, options), limits, options.cmd[0]);
}

/** Waits for a process and keeps a bounded amount of its output; stops it at the limits. */
export async function collectOutput(
  proc: ExecProcess,
  limits: CommandLimits = {},
  name = "the command",
): Promise<CommandResult> {
  const stdout = new BoundedCapture(64 * 1024);
  const stderr = new BoundedCapture(4096);
  proc.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  let timedOut = false;
  const stop = () => void proc.kill().catch(() => {});
  const timer = limits.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, limits.timeoutMs)
    : undefined;
  limits.signal?.addEventListener("abort", stop, { once: true });
  try {
    const exitCode = await proc.exitCode;
    if (timedOut) throw new RuntimeError(`${name} did not finish within ${(limits.timeoutMs ?? 0) / 1000} s`);
    if (limits.signal?.aborted) throw new AbortedError(`${name} was stopped: the run was aborted`);
    return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener("abort", stop);
  }
}

/** The last few non-empty lines of a tool's stderr, for an error message. */
export function lastLines(text: string, count = 3): string {
  return text.split("\n").filter(Boolean).slice(-count).join(" | ");
}
