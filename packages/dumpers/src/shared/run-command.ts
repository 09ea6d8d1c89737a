import type { ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { BoundedCapture } from "@lb/core";

export interface CommandResult {
  exitCode: number;
  /** Bounded: the first and last 64 KB. */
  stdout: string;
  /** Bounded: the first and last 4 KB. */
  stderr: string;
}

/**
 * Runs a short command in a container (a version probe, an emptiness check, a restore
 * fed through stdin) and keeps a bounded amount of its output.
 */
export async function runCommand(
  runtime: ContainerRuntime,
  containerId: string,
  options: ExecOptions,
): Promise<CommandResult> {
  return collectOutput(await runtime.exec(containerId, options));
}

/** Waits for a process and keeps a bounded amount of its output. */
export async function collectOutput(proc: ExecProcess): Promise<CommandResult> {
  const stdout = new BoundedCapture(64 * 1024);
  const stderr = new BoundedCapture(4096);
  proc.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exitCode = await proc.exitCode;
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

/** The last few non-empty lines of a tool's stderr, for an error message. */
export function lastLines(text: string, count = 3): string {
  return text.split("\n").filter(Boolean).slice(-count).join(" | ");
}
