import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManifestGuard, storedBytesMismatches } from "../src/commands/artifact-check.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Writes `chunks` into a guard in flowing mode; returns every byte that came out, and the error if any. */
async function through(chunks: Buffer[], manifest: { storedBytes: number; sha256: string }) {
  const guard = new ManifestGuard("k/a.sql.gz", manifest);
  const out: Buffer[] = [];
  guard.on("data", (chunk: Buffer) => out.push(chunk));
  const error = await new Promise<Error | undefined>((resolve) => {
    guard.on("error", resolve);
    guard.on("end", () => resolve(undefined));
    for (const chunk of chunks) guard.write(chunk);
    guard.end();
  });
  return { out: Buffer.concat(out), error };
}

describe("storedBytesMismatches", () => {
  it("names what the manifest says and what was found", () => {
    expect(storedBytesMismatches({ storedBytes: 3, sha256: "aa" }, { bytes: 3, sha256: "aa" })).toEqual([]);
    expect(storedBytesMismatches({ storedBytes: 3, sha256: "aa" }, { bytes: 4, sha256: "bb" })).toEqual([
      "size mismatch: manifest says 3 bytes, found 4",
      "sha256 mismatch: manifest says aa, found bb",
    ]);
  });

  it("quotes a hostile manifest value, escaping control characters", () => {
    const [problem] = storedBytesMismatches(
      { storedBytes: 1, sha256: `\u001b[2J${"x".repeat(500)}` },
      { bytes: 1, sha256: "bb" },
    );
    expect(problem).not.toContain("\u001b");
    expect(problem).toContain("\\u001b[2J");
    expect(problem!.length).toBeLessThan(200);
  });
});

describe("ManifestGuard", () => {
  const chunks = [
    Buffer.from("create table t;\n"),
    Buffer.from("insert into t values (1);\n"),
    Buffer.from("-- end\n"),
  ];
  const whole = Buffer.concat(chunks);

  it("passes matching bytes through unchanged", async () => {
    const result = await through(chunks, { storedBytes: whole.length, sha256: sha256(whole) });
    expect(result.error).toBeUndefined();
    expect(result.out.equals(whole)).toBe(true);
  });

  it("holds back the last chunk when the digest does not match", async () => {
    const result = await through(chunks, { storedBytes: whole.length, sha256: sha256(Buffer.from("other")) });
    expect(result.error?.message).toMatch(/^k\/a\.sql\.gz changed after it was verified: sha256 mismatch/);
    expect(result.out.equals(Buffer.concat(chunks.slice(0, -1)))).toBe(true);
  });

  it("fails at the first byte past the manifest's size", async () => {
    const result = await through(chunks, { storedBytes: chunks[0]!.length, sha256: sha256(chunks[0]!) });
    expect(result.error?.message).toContain(`more than the ${chunks[0]!.length} bytes the manifest says`);
    expect(result.out.length).toBe(0);
  });
});
