import { PassThrough, Readable } from "node:stream";
import type { BackupSpec, ContainerRuntime, DumpResult, ExecProcess } from "@lb/core";
import { DumpError, silentLogger } from "@lb/core";
import { describe, expect, it } from "vitest";
import { runExecDump } from "../src/index.js";

// A runtime whose process prints `output` and exits with `code`: enough to test the
// verdict logic without an engine (the engine paths are tested in postgres-dumper.test).
function scriptedRuntime(output: string, code: number, stderrText = ""): ContainerRuntime {
  return {
    inspect: async () => ({ id: "c", name: "c", image: "i", labels: {}, env: {}, running: true }),
    readArchive: async () => Readable.from([]),
    exec: async (): Promise<ExecProcess> => {
      const stdout = Readable.from([Buffer.from(output)]);
      const stderr = new PassThrough();
      stderr.end(stderrText);
      const exitCode = new Promise<number>((resolve) => stdout.on("end", () => resolve(code)));
      return { stdout, stderr, exitCode, kill: async () => {} };
    },
  };
}

const spec = { containerId: "c" } as BackupSpec;
const run = (runtime: ContainerRuntime, secrets: string[] = []) =>
  runExecDump(
    { spec, runtime, container: {} as never, signal: new AbortController().signal, logger: silentLogger },
    {
      tool: "tool",
      extension: "txt",
      secrets,
      exec: { cmd: ["tool"] },
      verify: ({ tail }): DumpResult | { incomplete: string } =>
        tail.toString().endsWith("END\n") ? {} : { incomplete: "no END" },
    },
  );

describe("runExecDump", () => {
  it("resolves when the tool exits 0 and the end marker is there", async () => {
    const dump = await run(scriptedRuntime("data\nEND\n", 0));
    dump.stream.resume();
    await expect(dump.completed).resolves.toEqual({});
  });

  it("rejects truncated output even when the exit code is 0", async () => {
    const dump = await run(scriptedRuntime("data\nEN", 0));
    dump.stream.resume();
    await expect(dump.completed).rejects.toThrow(/tool output is incomplete: no END/);
  });

  it("rejects a non-zero exit and reports stderr with secrets removed", async () => {
    const dump = await run(scriptedRuntime("data\nEND\n", 2, "login failed for hunter2-secret\n"), ["hunter2-secret"]);
    dump.stream.resume();
    const error = await dump.completed.catch((e: unknown) => e);
    expect(DumpError.isInstance(error)).toBe(true);
    expect((error as DumpError).exitCode).toBe(2);
    expect((error as DumpError).message).toContain("login failed for ***");
    expect((error as DumpError).message).not.toContain("hunter2");
  });
});
