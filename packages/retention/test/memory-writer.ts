import { Readable } from "node:stream";
import type { Artifact, Manifest, Writer } from "@lb/core";
import { MANIFEST_SUFFIX, manifestKeyFor, WRITER_CONTRACT_VERSION, WriteError } from "@lb/core";

export interface MemoryWriter extends Writer {
  /** Every stored key, artifacts, manifests and foreign files alike. */
  objects: Map<string, Buffer>;
  /** Keys passed to `delete`, in call order. */
  deleteCalls: string[];
  /** Keys whose delete throws, as a storage error would. */
  failDeletesOf: Set<string>;
  /** Stores a backup and its manifest. */
  store(artifact: Artifact): void;
}

const under = (key: string, prefix: string) => {
  const folder = prefix.replace(/\/+$/, "");
  return folder === "" || key.startsWith(`${folder}/`);
};

/** A Writer held in memory, with the local writer's listing rules, for tests of logic. */
export function memoryWriter(): MemoryWriter {
  const objects = new Map<string, Buffer>();
  const deleteCalls: string[] = [];
  const failDeletesOf = new Set<string>();
  return {
    contractVersion: WRITER_CONTRACT_VERSION,
    name: "memory",
    objects,
    deleteCalls,
    failDeletesOf,
    store(artifact) {
      objects.set(artifact.key, Buffer.from(artifact.key));
      objects.set(manifestKeyFor(artifact.key), Buffer.from(JSON.stringify(artifact.manifest)));
    },
    async writeArtifact(key, body) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      objects.set(key, Buffer.concat(chunks));
      return { key, location: `memory:${key}`, bytes: objects.get(key)?.length ?? 0 };
    },
    async writeManifest(manifest: Manifest) {
      const key = manifestKeyFor(manifest.artifactKey);
      objects.set(key, Buffer.from(JSON.stringify(manifest)));
      return { key, location: `memory:${key}`, bytes: objects.get(key)?.length ?? 0 };
    },
    async list(prefix) {
      const listed: Artifact[] = [];
      for (const [key, body] of objects) {
        if (!key.endsWith(MANIFEST_SUFFIX) || !under(key, prefix)) continue;
        const artifactKey = key.slice(0, -MANIFEST_SUFFIX.length);
        if (!objects.has(artifactKey)) continue;
        listed.push({ key: artifactKey, manifest: JSON.parse(body.toString()) as Manifest });
      }
      return listed;
    },
    async read(key) {
      const body = objects.get(key);
      if (!body) throw new WriteError(`no ${key}`);
      return Readable.from([body]);
    },
    async delete(key) {
      deleteCalls.push(key);
      if (failDeletesOf.has(key)) throw new WriteError(`cannot delete ${key}: permission denied`);
      objects.delete(key);
      objects.delete(manifestKeyFor(key));
    },
    locationOf: (key) => `memory:${key}`,
    probe: async () => {},
  };
}
