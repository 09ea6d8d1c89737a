import { PassThrough } from "node:stream";
import type { ExecProcess } from "@lb/core";
import { AbortedError, RuntimeError } from "@lb/core";
import { describe, expect, it } from "vitest";
import { collectOutput } from "../src/shared/run-command.js";

/** A process that never exits on its own; `kill()` ends it, as the runtimes do. */
function hangingProcess() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let exit!: (code: number) => void;
  const exitCode = new Promise<number>((resolve) => {
    exit = resolve;
  });
  let kills = 0;
  const proc: ExecProcess = {
    stdout,
    stderr,
    exitCode,
    async kill() {
      kills++;
      stdout.end();
      stderr.end();
      exit(137);
    },
  };
  return { proc, stdout, kills: () => kills };
}

describe("collectOutput", () => {
  it("stops a probe that does not answer within its time limit, and says so", async () => {
    const { proc, kills } = hangingProcess();
    const started = Date.now();
    await expect(collectOutput(proc, { timeoutMs: 200 }, "mariadb-dump")).rejects.toThrow(
      new RuntimeError("mariadb-dump did not finish within 0.2 s"),
    );
    expect(kills()).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops it when the run is aborted", async () => {
    const { proc, kills } = hangingProcess();
    const controller = new AbortController();
    const collected = collectOutput(proc, { signal: controller.signal }, "sh");
    controller.abort();
    await expect(collected).rejects.toThrow(AbortedError);
    expect(kills()).toBe(1);
  });

  it("without limits, waits for the process and keeps its output", async () => {
    const { proc, stdout } = hangingProcess();
    const collected = collectOutput(proc);
    stdout.write("10.11.9\n");
    await proc.kill();
    expect(await collected).toEqual({ exitCode: 137, stdout: "10.11.9\n", stderr: "" });
  });
});
