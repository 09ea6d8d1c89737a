import { randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";

/** Temp files start with this, so listings and people can tell them from backups. */
export const TEMP_PREFIX = ".lb-partial-";

/**
 * Writes `body` to `path` so that `path` either holds all of it or does not exist:
 * temp file in the same folder, fsync, rename, fsync of the folder.
 */
export async function writeFileAtomically(
  path: string,
  body: Readable,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `${TEMP_PREFIX}${randomUUID()}-${basename(path)}`);
  const handle = await open(temp, "wx", 0o600);
  let committed = false;
  try {
    await copyInto(handle, body, options.signal);
    await handle.sync();
    const { size } = await handle.stat();
    await handle.close();
    await rename(temp, path);
    committed = true;
    await syncFolder(folder);
    return size;
  } finally {
    if (!committed) {
      await handle.close().catch(() => {});
      await unlink(temp).catch(() => {});
    }
  }
}

/** Makes a rename durable: without it, a crash can forget the new name. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Each chunk is written before the next is read: backpressure without buffering. */
async function copyInto(handle: FileHandle, body: Readable, signal: AbortSignal | undefined): Promise<void> {
  const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
  signal?.throwIfAborted();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, offset);
        offset += bytesWritten;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
