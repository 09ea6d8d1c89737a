const EMPTY = Buffer.alloc(0);

/**
 * Pulls exact byte counts out of an async chunk source, one chunk at a time, so a reader
 * never holds more than the current chunk plus the document it is assembling.
 */
export class ArchiveInput {
  private chunk: Buffer = EMPTY;
  private at = 0;
  private finished = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** True once the source is exhausted and every byte was consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /**
   * Exactly `count` bytes after `lead` (the already-read length word of a document), in one
   * buffer of their own that is safe to keep; undefined when the source ends first.
   * `count` must already be bounded by the caller, since it is allocated up front.
   */
  async take(count: number, lead: Uint8Array = EMPTY): Promise<Buffer | undefined> {
    const out = Buffer.allocUnsafe(lead.length + count);
    out.set(lead, 0);
    let have = lead.length;
    while (have < out.length) {
      if (!(await this.fill())) return undefined;
      const piece = Math.min(out.length - have, this.chunk.length - this.at);
      this.chunk.copy(out, have, this.at, this.at + piece);
      this.at += piece;
      have += piece;
    }
    return out;
  }

  /** Lets the source clean up when reading stops early (an error, or a consumer that quits). */
  async close(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      await this.source.return?.();
    }
  }

  /** Makes sure an unread byte is at hand; false when the source is exhausted. */
  private async fill(): Promise<boolean> {
    while (this.at >= this.chunk.length) {
      if (this.finished) return false;
      // Drop the spent chunk before waiting for the next one.
      this.chunk = EMPTY;
      this.at = 0;
      const next = await this.source.next();
      if (next.done) {
        this.finished = true;
        return false;
      }
      const value: unknown = next.value;
      if (!(value instanceof Uint8Array)) throw new TypeError("the archive source yielded something other than bytes");
      this.chunk = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return true;
  }
}
