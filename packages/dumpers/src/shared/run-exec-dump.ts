import type { Transform } from "node:stream";
import type { DumpContext, DumpResult, ExecOptions, RunningDump } from "@lb/core";
import { AbortedError, BoundedCapture, createRedactor, DumpError } from "@lb/core";
import { spawnLocal } from "./local-process.js";
import { lastLines } from "./run-command.js";
import { HeadTailWindow } from "./tail-window.js";

export interface ExecDumpPlan {
  /** Names the tool in errors, e.g. "pg_dump". */
  tool: string;
  exec: ExecOptions;
  /** Client mode: run the tool here instead of inside the container (see `spawnLocal`). */
  local?: boolean;
  extension: string;
  /** The tool's output flows through this first: a check of the format as the bytes pass. */
  through?: Transform;
  /** Secrets to strip from stderr before it is reported. */
  secrets: string[];
  /**
   * Checks the finished output; returns a reason when it is incomplete, and the facts
   * it found (versions) when it is whole.
   */
  verify(output: { head: Buffer; tail: Buffer; bytes: number }): { incomplete: string } | DumpResult;
}

/**
 * Runs a dump tool inside the target container and decides, from its exit code and
 * its output's end marker, whether the dump is complete. Shared by the exec-mode
 * engines so each of them only says which command to run and what "complete" means.
 */
export async function runExecDump(context: DumpContext, plan: ExecDumpPlan): Promise<RunningDump> {
  if (context.signal.aborted) throw new AbortedError(`${plan.tool} was not started: the run was aborted`);
  const proc = plan.local
    ? await spawnLocal(plan.exec.cmd, plan.exec)
    : await context.runtime.exec(context.spec.containerId, plan.exec);
  const redact = createRedactor(plan.secrets);
  const stderr = new BoundedCapture(4096);
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  // A check that fails as the bytes pass ends the dump at once, with its own reason.
  let verification: Error | undefined;
  plan.through?.on("error", (error) => {
    verification ??= error;
  });
  const window = new HeadTailWindow(4096);
  const output = plan.through ? proc.stdout.pipe(plan.through) : proc.stdout;
  if (plan.through) proc.stdout.on("error", (error) => plan.through?.destroy(error));
  output.pipe(window);
  output.on("error", (error) => window.destroy(error));

  let aborted = false;
  const abort = async () => {
    aborted = true;
    await proc.kill();
  };
  const onAbort = () => void abort();
  context.signal.addEventListener("abort", onAbort, { once: true });
  // A consumer that gives up (a failed writer, a timeout) stops the tool: otherwise its
  // output would back up into the engine's socket and the run would never end.
  let ended = false;
  window.on("end", () => {
    ended = true;
  });
  window.on("close", () => {
    if (ended) return;
    plan.through?.destroy();
    proc.stdout.destroy();
    void abort();
  });

  const completed = (async (): Promise<DumpResult> => {
    // Settles on end, error or close alike: the exit code and end marker decide the verdict,
    // and a rejection here would go unhandled while the exit code is awaited.
    const streamEnded = new Promise<void>((resolve) => {
      window.on("end", resolve);
      window.on("error", () => resolve());
      window.on("close", () => resolve());
    });
    const exitCode = await proc.exitCode;
    context.signal.removeEventListener("abort", onAbort);
    await streamEnded;
    const details = { stderr: redact(stderr.text()).trim(), exitCode };
    if (verification) throw new DumpError(`${plan.tool} output is incomplete: ${verification.message}`, details);
    if (aborted) throw new AbortedError(`${plan.tool} was stopped before it finished`);
    if (exitCode !== 0) {
      const said = details.stderr ? `: ${lastLines(details.stderr)}` : "";
      throw new DumpError(`${plan.tool} exited with code ${exitCode}${said}`, details);
    }
    const verdict = plan.verify({ head: window.head(), tail: window.tail(), bytes: window.total });
    if ("incomplete" in verdict)
      throw new DumpError(`${plan.tool} output is incomplete: ${verdict.incomplete}`, details);
    return verdict;
  })();
  // The caller may never await `completed` when the pipeline fails first.
  completed.catch(() => {});

  return { stream: window, extension: plan.extension, completed, abort };
}
