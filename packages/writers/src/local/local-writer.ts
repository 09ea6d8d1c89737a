import { constants, createReadStream } from "node:fs";
import { access, mkdir, readdir, readFile, stat, unlink } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { Artifact, Manifest, StoredObject, Writer } from "@lb/core";
import {
  errorMessage,
  LabelBackupError,
  MANIFEST_SUFFIX,
  manifestKeyFor,
  WRITER_CONTRACT_VERSION,
  WriteError,
} from "@lb/core";
import { parseManifest } from "../manifest.js";
import { TEMP_PREFIX, writeFileAtomically } from "./atomic-file.js";
import { describeDiskError } from "./disk-errors.js";
import { checkFreeSpace } from "./free-space.js";
import { pathInside } from "./safe-path.js";

export interface LocalWriterOptions {
  /** The folder backups live under (`LOCAL_BACKUP_PATH`). */
  basePath: string;
  /** A backup is not started when less than this is free (`LOCAL_MIN_FREE_SPACE`); 0 = no floor. */
  minFreeBytes?: number;
}

/** Backups as files under one folder, each committed atomically. */
export function localWriter(options: LocalWriterOptions): Writer {
  const base = options.basePath;
  const keyOf = (path: string) => relative(base, path).split(sep).join("/");

  return {
    contractVersion: WRITER_CONTRACT_VERSION,
    name: "local",

    locationOf: (key) => (key ? pathInside(base, key) : resolve(base)),

    async probe() {
      try {
        await mkdir(base, { recursive: true });
        await access(base, constants.W_OK);
      } catch (error) {
        throw new WriteError(`backup folder ${resolve(base)} is not writable: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    },

    async writeArtifact(key, body, writeOptions = {}): Promise<StoredObject> {
      const path = pathInside(base, key);
      try {
        await mkdir(base, { recursive: true });
        await checkFreeSpace(base, options.minFreeBytes ?? 0);
        const bytes = await writeFileAtomically(path, body, writeOptions);
        return { key, location: path, bytes };
      } catch (error) {
        // Our own errors (a dump that failed, the free-space floor) are passed on as they are.
        throw LabelBackupError.isInstance(error) ? error : describeDiskError("write", path, error);
      }
    },

    async writeManifest(manifest: Manifest): Promise<StoredObject> {
      const key = manifestKeyFor(manifest.artifactKey);
      const path = pathInside(base, key);
      const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      try {
        const bytes = await writeFileAtomically(path, Readable.from([body]));
        return { key, location: path, bytes };
      } catch (error) {
        throw new WriteError(`cannot write manifest ${path}: ${errorMessage(error)}`, { cause: error });
      }
    },

    async list(prefix): Promise<Artifact[]> {
      const root = prefix ? pathInside(base, prefix) : base;
      const artifacts: Artifact[] = [];
      for await (const path of walk(root)) {
        if (!path.endsWith(MANIFEST_SUFFIX)) continue;
        const manifest = parseManifest(await readFile(path, "utf8").catch(() => ""));
        const key = keyOf(path).slice(0, -MANIFEST_SUFFIX.length);
        // Ours only when the manifest says so and the artifact it describes is there.
        if (!manifest || manifest.artifactKey !== key) continue;
        if (!(await stat(pathInside(base, key)).catch(() => undefined))) continue;
        artifacts.push({ key, manifest });
      }
      return artifacts.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt));
    },

    async read(key) {
      const path = pathInside(base, key);
      await stat(path).catch((error) => {
        throw new WriteError(`cannot read ${path}: ${errorMessage(error)}`, { cause: error });
      });
      return createReadStream(path);
    },

    async delete(key) {
      // The artifact goes first: a manifest left alone is skipped by list, while an
      // artifact left without its manifest would no longer be recognised as ours.
      for (const path of [pathInside(base, key), pathInside(base, manifestKeyFor(key))]) {
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT")
            throw new WriteError(`cannot delete ${path}: ${error.message}`, { cause: error });
        });
      }
    },
  };
}

async function* walk(folder: string): AsyncGenerator<string> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw new WriteError(`cannot list ${folder}: ${error.message}`, { cause: error });
  });
  for (const entry of entries) {
    if (entry.name.startsWith(TEMP_PREFIX)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
