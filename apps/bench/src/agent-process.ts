import { type ChildProcess, spawn } from "node:child_process";

type LogLine = Record<string, unknown>;

export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  /** performance.now() at spawn. */
  startedAt: number;
  /** Resolves with the first line matching, and performance.now() when it arrived. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<{ line: LogLine; at: number }>;
  /** Every line so far that matches. */
  lines(match: (line: LogLine) => boolean): LogLine[];
  /**
   * SIGTERM, then SIGKILL after `graceMs`. Resolves with undefined after a clean exit, or
   * what went wrong (with the agent's last log lines), so a hung shutdown is reported.
   */
  stop(graceMs?: number): Promise<string | undefined>;
}

/** "agent.stopping, agent.stopped, 60× job.added": events in order, runs counted. */
function summarise(lines: LogLine[]): string {
  const runs: Array<{ event: string; count: number }> = [];
  for (const line of lines) {
    const event = String(line.event ?? line.msg ?? "?");
    const last = runs[runs.length - 1];
    if (last?.event === event) last.count++;
    else runs.push({ event, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.count}× ${r.event}` : r.event)).join(", ") || "nothing";
}

/** `label-backup agent` through its bin, its JSON log lines timed as they arrive. */
export function startAgentProcess(bin: string, env: Record<string, string>): AgentProcess {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [bin, "agent"], {
    env: { PATH: process.env.PATH ?? "", DOCKER_HOST: process.env.DOCKER_HOST ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const seen: Array<{ line: LogLine; at: number }> = [];
  const waiters = new Set<() => void>();
  let partial = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const at = performance.now();
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) {
      try {
        seen.push({ line: JSON.parse(part) as LogLine, at });
      } catch {
        // Not a log line.
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      for (const wake of waiters) wake();
      resolve();
    }),
  );
  return {
    child,
    pid: child.pid ?? 0,
    startedAt,
    waitFor(match, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = seen.find((s) => match(s.line));
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          } else if (child.exitCode !== null) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`the agent exited ${child.exitCode}: ${stderr.trim()}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching agent log line within ${timeoutMs} ms: ${stderr.trim()}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    lines: (match) => seen.filter((s) => match(s.line)).map((s) => s.line),
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      const sentAt = seen.length;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // Ended by the SIGTERM itself: it came before the agent had set up its handler, just
      // after "agent.started"; nothing was running, so that is a clean stop too.
      if (child.exitCode === 0 || child.signalCode === "SIGTERM") return undefined;
      return child.signalCode === "SIGKILL"
        ? `the agent did not exit within ${graceMs / 1000} s of SIGTERM and was killed; what it logged after the signal: ${summarise(seen.slice(sentAt).map((s) => s.line))}`
        : `the agent exited ${child.exitCode ?? child.signalCode} after SIGTERM: ${stderr.trim().slice(-300)}`;
    },
  };
}
