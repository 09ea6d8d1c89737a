import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Writer } from "@lb/core";
import { describe, expect, it } from "vitest";
import { prune, type RetentionPolicy } from "../src/index.js";
import { DAY, manifestOf } from "./artifacts.js";

/** A fresh, empty destination; the same shape as the writer conformance harness. */
export interface PruneHarness {
  writer: Writer;
  /** Puts a file the agent did not write straight into the destination. */
  putForeign(key: string, body: Buffer): Promise<void>;
  /** Every key present at the destination. */
  allKeys(): Promise<string[]>;
}

/**
 * Writes a backup the way the agent does, through the writer, but with a manifest that
 * says it started `daysAgo` days before the real clock: the clock offset under test.
 */
async function backup(writer: Writer, folder: string, target: string, daysAgo: number): Promise<string> {
  const startedAt = new Date(Date.now() - daysAgo * DAY * 1000).toISOString();
  const key = `${folder}/postgres-appdb-${startedAt.replace(/[-:.]/g, "")}-${target}.sql.gz`;
  const body = Buffer.from(`dump of ${target} from ${startedAt}`);
  await writer.writeArtifact(key, Readable.from([body]));
  await writer.writeManifest(
    manifestOf(key, {
      target,
      startedAt,
      retentionSeconds: 7 * DAY,
      storedBytes: body.length,
      sha256: createHash("sha256").update(body).digest("hex"),
    }),
  );
  return key;
}

const withManifests = (keys: string[]) => keys.flatMap((key) => [key, `${key}.manifest.json`]);

/**
 * Pruning against a real destination with the real clock. Call it from a writer's test
 * file with a factory for a fresh destination, as with the writer conformance suite.
 */
export function pruneScenarios(name: string, makeHarness: () => Promise<PruneHarness>): void {
  describe(`prune through the ${name} writer`, () => {
    it("removes only expired backups of each target, and leaves foreign files and other targets alone", async () => {
      const { writer, putForeign, allKeys } = await makeHarness();
      const at = (folder: string, target: string, daysAgo: number) => backup(writer, folder, target, daysAgo);
      // `db` and `db-replica` share one folder; `app-2` starts with `app` and its container is gone.
      const [db30, db20, db10, db2] = [
        await at("customer_xyz", "db", 30),
        await at("customer_xyz", "db", 20),
        await at("customer_xyz", "db", 10),
        await at("customer_xyz", "db", 2),
      ];
      const [replica40, replica35] = [
        await at("customer_xyz", "db-replica", 40),
        await at("customer_xyz", "db-replica", 35),
      ];
      const [app30, app20] = [await at("app", "app", 30), await at("app", "app", 20)];
      const [gone50, gone45] = [await at("app-2", "app-2", 50), await at("app-2", "app-2", 45)];
      const strangers: [string, string][] = [
        ["customer_xyz/notes.txt", "not ours"],
        ["customer_xyz/postgres-appdb-20200101T000000000Z-manual.sql.gz", "a dump someone made by hand"],
        ["customer_xyz/broken.sql.gz", "an artifact whose manifest is not ours"],
        ["customer_xyz/broken.sql.gz.manifest.json", "{ not json"],
        ["app-2/README", "not ours either"],
      ];
      for (const [key, body] of strangers) await putForeign(key, Buffer.from(body));
      const policies = new Map<string, RetentionPolicy>([
        ["db", { maxAgeSeconds: 7 * DAY, keepLast: 2, timezone: "UTC" }],
        ["db-replica", { maxAgeSeconds: 7 * DAY, timezone: "UTC" }],
        ["app", { maxAgeSeconds: 7 * DAY, timezone: "UTC" }],
      ]);
      const everything = (await allKeys()).sort();
      const expired = [db30, db20, replica40, app30, gone50].sort();

      const dry = await prune(writer, "", policies, { dryRun: true, timezone: "UTC" });
      expect((await allKeys()).sort()).toEqual(everything);
      expect(dry.skipped.map((d) => d.artifact.key).sort()).toEqual(expired);

      const report = await prune(writer, "", policies, { dryRun: false, timezone: "UTC" });
      expect(report.failed).toEqual([]);
      expect(report.deleted.map((d) => d.artifact.key).sort()).toEqual(expired);
      const survivors = [...withManifests([db10, db2, replica35, app20, gone45]), ...strangers.map(([key]) => key)];
      expect((await allKeys()).sort()).toEqual(survivors.sort());
      const reasonsOf = (key: string) => report.kept.find((d) => d.artifact.key === key)?.reasons;
      expect(reasonsOf(db10)).toEqual(["keep-last 2"]);
      expect(reasonsOf(replica35)).toEqual(["newest successful backup"]);
      expect(reasonsOf(gone45)).toEqual(["newest successful backup"]);
    });

    it("prunes only under the prefix it is given", async () => {
      const { writer, allKeys } = await makeHarness();
      await backup(writer, "app", "app", 30);
      const app20 = await backup(writer, "app", "app", 20);
      // Its container is gone and its backups are past their recorded limit, but it is not under `app`.
      const others = [await backup(writer, "app-2", "app-2", 50), await backup(writer, "app-2", "app-2", 45)];
      const policies = new Map([["app", { maxAgeSeconds: DAY, timezone: "UTC" }]]);
      await prune(writer, "app", policies, { dryRun: false, timezone: "UTC" });
      expect((await allKeys()).sort()).toEqual(withManifests([app20, ...others]).sort());
    });

    it("keeps backups whose manifests say they were made in the future", async () => {
      const { writer, allKeys } = await makeHarness();
      const ahead = await backup(writer, "app", "app", -2);
      const old = await backup(writer, "app", "app", 30);
      await backup(writer, "app", "app", 40);
      await prune(writer, "app", new Map([["app", { maxAgeSeconds: DAY, timezone: "UTC" }]]), {
        dryRun: false,
        timezone: "UTC",
      });
      expect((await allKeys()).sort()).toEqual(withManifests([ahead, old]).sort());
    });
  });
}
