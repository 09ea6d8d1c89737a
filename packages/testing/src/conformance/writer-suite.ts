import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Manifest, Writer } from "@lb/core";
import { MANIFEST_VERSION, manifestKeyFor } from "@lb/core";
import { describe, expect, it } from "vitest";

export interface WriterHarness {
  writer: Writer;
  /** Puts a file the agent did not write straight into the destination. */
  putForeign(key: string, body: Buffer): Promise<void>;
  /** Every key present at the destination, temp files included. */
  allKeys(): Promise<string[]>;
}

function manifestFor(key: string, body: Buffer, target = "suite-target"): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    artifactKey: key,
    target,
    engine: "postgres",
    database: "appdb",
    containerId: "0123456789ab",
    containerName: "suite",
    compression: "gzip",
    rawBytes: body.length,
    storedBytes: body.length,
    sha256: createHash("sha256").update(body).digest("hex"),
    retentionSeconds: 3600,
    startedAt: new Date().toISOString(),
    durationSeconds: 1,
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that yields some bytes and then fails, as a dying dump would. */
function failingBody(): Readable {
  return new Readable({
    read() {
      this.push(randomBytes(64 * 1024));
      setTimeout(() => this.destroy(new Error("dump died")), 20);
    },
  });
}

/**
 * The behaviour every destination must have. Call it from the writer's own test file
 * with a factory that gives a fresh, empty destination per test.
 */
export function writerConformanceSuite(name: string, makeHarness: () => Promise<WriterHarness>): void {
  describe(`${name} writer conformance`, () => {
    it("round-trips an artifact byte for byte and lists it with its manifest", async () => {
      const { writer } = await makeHarness();
      const body = randomBytes(3 * 1024 * 1024 + 17);
      const key = "suite/postgres-appdb-1.sql.gz";
      const stored = await writer.writeArtifact(key, Readable.from([body]));
      expect(stored.bytes).toBe(body.length);
      await writer.writeManifest(manifestFor(key, body));
      const listed = await writer.list("suite");
      expect(listed.map((a) => a.key)).toEqual([key]);
      const back = await readAll(await writer.read(key));
      expect(createHash("sha256").update(back).digest("hex")).toBe(listed[0]?.manifest.sha256);
    });

    it("lists by prefix and never returns another prefix's artifacts", async () => {
      const { writer } = await makeHarness();
      for (const key of ["a/one.sql.gz", "ab/two.sql.gz", "a/deeper/three.sql.gz"]) {
        const body = Buffer.from(key);
        await writer.writeArtifact(key, Readable.from([body]));
        await writer.writeManifest(manifestFor(key, body));
      }
      const keys = (await writer.list("a")).map((a) => a.key).sort();
      expect(keys).toEqual(["a/deeper/three.sql.gz", "a/one.sql.gz"]);
    });

    it("ignores foreign files and artifacts without a manifest", async () => {
      const harness = await makeHarness();
      await harness.putForeign("mixed/notes.txt", Buffer.from("not ours"));
      await harness.putForeign("mixed/fake.sql.gz.manifest.json", Buffer.from('{"hello":"world"}'));
      await harness.writer.writeArtifact("mixed/orphan.sql.gz", Readable.from([Buffer.from("no manifest")]));
      expect(await harness.writer.list("mixed")).toEqual([]);
    });

    it("leaves nothing behind when the body fails", async () => {
      const harness = await makeHarness();
      await expect(harness.writer.writeArtifact("fail/broken.sql.gz", failingBody())).rejects.toThrow();
      expect(await harness.allKeys()).toEqual([]);
    });

    it("leaves nothing behind when aborted", async () => {
      const harness = await makeHarness();
      const controller = new AbortController();
      const endless = new Readable({
        read() {
          this.push(randomBytes(64 * 1024));
        },
      });
      setTimeout(() => controller.abort(), 50);
      await expect(
        harness.writer.writeArtifact("abort/endless.sql.gz", endless, { signal: controller.signal }),
      ).rejects.toThrow();
      expect(await harness.allKeys()).toEqual([]);
    });

    it("deletes an artifact with its manifest, and deleting again is not an error", async () => {
      const harness = await makeHarness();
      const key = "del/x.sql.gz";
      const body = Buffer.from("x");
      await harness.writer.writeArtifact(key, Readable.from([body]));
      await harness.writer.writeManifest(manifestFor(key, body));
      await harness.writer.delete(key);
      await harness.writer.delete(key);
      expect(await harness.allKeys()).toEqual([]);
      expect(await harness.writer.list("del")).toEqual([]);
    });

    it("names the manifest after its artifact", () => {
      expect(manifestKeyFor("p/a.sql.gz")).toBe("p/a.sql.gz.manifest.json");
    });
  });
}
