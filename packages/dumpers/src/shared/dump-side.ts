import type { DumpContext } from "@lb/core";
import { DumpError } from "@lb/core";
import { PROBE_TIMEOUT_MS, runCommand } from "./run-command.js";

/** Where a dump tool runs: inside the database container, or beside the agent. */
export type DumpSide = "exec" | "client";

/** Whether `tool` is on the container's PATH; a container without a shell has none. */
export async function containerHasCommand(context: DumpContext, tool: string): Promise<boolean> {
  const probe = await runCommand(
    context.runtime,
    context.spec.containerId,
    { cmd: ["sh", "-c", 'command -v "$1"', "sh", tool] },
    { timeoutMs: PROBE_TIMEOUT_MS, signal: context.signal },
  ).catch(() => undefined);
  return probe?.exitCode === 0;
}

/**
 * `backup.mode` decided: exec and client as asked; auto runs `tool` in the container when
 * it has one, else beside the agent when `backup.conn` says where the server listens.
 * Client mode without `backup.conn` is refused: the agent would not know where to connect.
 */
export async function chooseDumpSide(context: DumpContext, tool: string): Promise<DumpSide> {
  const { mode, conn } = context.spec;
  if (mode === "client") {
    if (!conn) throw new DumpError("backup.mode=client needs backup.conn to reach the server");
    return "client";
  }
  if (mode === "auto" && conn && !(await containerHasCommand(context, tool))) return "client";
  return "exec";
}
