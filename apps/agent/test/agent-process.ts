import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/label-backup.js", import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  /** Every line the agent wrote to stdout, parsed as JSON where it was JSON. */
  lines: Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

/** The agent started through its bin, as a user starts it. */
export function startAgentProcess(env: Record<string, string>, options: { cwd?: string } = {}): AgentProcess {
  // Tests talk to the agent over loopback only.
  env = { HTTP_HOST: "127.0.0.1", HTTP_PORT: "0", ...env };
  const child = spawn(process.execPath, [BIN, "agent"], {
    ...options,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    partial += chunk.toString();
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ unparsed: part });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    waitForLine(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching agent log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
