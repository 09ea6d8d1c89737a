import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerRuntime } from "../src/index.js";

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("Docker runtime", () => {
  let container: TestContainer;
  const runtime = () => createDockerRuntime(testEngine().docker);

  beforeAll(async () => {
    const { docker } = testEngine();
    container = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-test-runtime-${process.pid}`,
      cmd: ["sleep", "infinity"],
      env: { FROM_CONTAINER: "configured" },
      labels: { "backup.enabled": "true", "backup.type": "volume" },
    });
  });
  afterAll(async () => {
    await container?.remove();
  });

  it("inspects name, labels, environment and command", async () => {
    const info = await runtime().inspect(container.id);
    expect(info.name).toBe(container.name);
    expect(info.labels["backup.type"]).toBe("volume");
    expect(info.env.FROM_CONTAINER).toBe("configured");
    expect(info.command?.slice(-2)).toEqual(["sleep", "infinity"]);
    expect(info.running).toBe(true);
  });

  it("names the container when inspect fails", async () => {
    await expect(runtime().inspect("no-such-container")).rejects.toThrow(/no-such-container/);
  });

  it("separates stdout from stderr and reports the exit code", async () => {
    const proc = await runtime().exec(container.id, { cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"] });
    const [out, err, code] = await Promise.all([collect(proc.stdout), collect(proc.stderr), proc.exitCode]);
    expect(out).toBe("out\n");
    expect(err).toBe("err\n");
    expect(code).toBe(3);
  });

  it("feeds stdin and passes environment without putting it in argv", async () => {
    const secret = "s3cr3t-value-123";
    const proc = await runtime().exec(container.id, {
      cmd: ["sh", "-c", 'cat; printf "%s" "$SECRET" | wc -c; cat /proc/[0-9]*/cmdline | tr "\\0" " "'],
      env: { SECRET: secret },
      stdin: Readable.from([Buffer.from("from stdin\n")]),
    });
    const out = await collect(proc.stdout);
    expect(await proc.exitCode).toBe(0);
    const [fromStdin, length, ...argvs] = out.split("\n");
    expect(fromStdin).toBe("from stdin");
    expect(length?.trim()).toBe(String(secret.length));
    expect(argvs.join(" ")).not.toContain(secret);
  });

  it("streams large output with backpressure and loses no byte", async () => {
    const size = 64 * 1024 * 1024;
    const proc = await runtime().exec(container.id, { cmd: ["head", "-c", String(size), "/dev/zero"] });
    let received = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _e, callback) {
        received += chunk.length;
        // A slow reader: the socket must pause instead of buffering.
        setImmediate(callback);
      },
    });
    const before = process.memoryUsage().rss;
    await pipeline(proc.stdout, slow);
    expect(await proc.exitCode).toBe(0);
    expect(received).toBe(size);
    expect(process.memoryUsage().rss - before).toBeLessThan(size);
  });

  it("kills a running process", async () => {
    const proc = await runtime().exec(container.id, { cmd: ["sleep", "300"] });
    proc.stdout.resume();
    proc.stderr.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await proc.kill();
    const code = await proc.exitCode;
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("kills a process that is producing output nobody reads, and its streams end", async () => {
    const proc = await runtime().exec(container.id, { cmd: ["sh", "-c", "yes label-backup"] });
    // Only a little is read: the rest backs up into the socket, as when a writer fails.
    await new Promise((resolve) => proc.stdout.once("readable", resolve));
    proc.stderr.resume();
    const started = Date.now();
    await proc.kill();
    expect(await proc.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const still = await container.exec(["sh", "-c", "ps -eo comm | grep -c '^yes$' || true"]);
    expect(still.stdout.trim()).toBe("0");
  });

  it("kills without writing anything in the container, and only the process it started", async () => {
    const { docker } = testEngine();
    const readOnly = await runContainer(docker, {
      image: await databaseImage(docker, "postgres"),
      name: `lb-test-runtime-ro-${process.pid}`,
      cmd: ["sh", "-c", "sleep 301 & exec sleep infinity"],
      readOnly: true,
    });
    try {
      const proc = await runtime().exec(readOnly.id, { cmd: ["sleep", "300"] });
      proc.stdout.resume();
      let stderr = "";
      proc.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await proc.kill();
      expect(await proc.exitCode).not.toBe(0);
      expect(stderr).toBe("");
      const left = await readOnly.exec(["sh", "-c", "ps -eo args | grep -c '^sleep 30[01]$' || true"]);
      // The neighbour (sleep 301) lives on; the exec (sleep 300) is gone.
      expect(left.stdout.trim()).toBe("1");
    } finally {
      await readOnly.remove();
    }
  });

  it("reads a path as a tar stream", async () => {
    await container.exec(["sh", "-c", "mkdir -p /data && echo hello > /data/greeting.txt"]);
    const tar = await runtime().readArchive(container.id, "/data");
    const bytes = Buffer.from(await collect(tar), "latin1");
    expect(bytes.toString("latin1")).toContain("data/greeting.txt");
    expect(bytes.toString("latin1")).toContain("hello");
  });
});
