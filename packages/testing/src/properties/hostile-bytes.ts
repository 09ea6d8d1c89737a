import fc from "fast-check";

/**
 * Ways to damage valid bytes, for property tests of parsers that read what a container
 * or a bucket hands back: a flipped bit, bytes deleted or inserted, the end cut off, and a whole 32-bit
 * word overwritten (the likeliest way to turn a length into something hostile).
 */
export const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("word" as const), at: fc.nat(), word: fc.nat({ max: 0xffffffff }) }),
);

export type ByteMutation = typeof byteMutation extends fc.Arbitrary<infer T> ? T : never;

/** `bytes` with each change applied in turn; positions wrap around the current length. */
export function mutateBytes(bytes: Uint8Array, changes: ByteMutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const change of changes) {
    const at = change.at % (out.length + 1);
    if (change.kind === "flip" && at < out.length) out[at] = (out[at] ?? 0) ^ (1 << change.bit);
    if (change.kind === "cut") out = out.subarray(0, at);
    if (change.kind === "delete") out = Buffer.concat([out.subarray(0, at), out.subarray(at + change.count)]);
    if (change.kind === "insert") out = Buffer.concat([out.subarray(0, at), change.bytes, out.subarray(at)]);
    if (change.kind === "word" && at + 4 <= out.length) out.writeUInt32LE(change.word, at);
  }
  return out;
}

/** Splits bytes into pieces whose sizes cycle through `sizes`, as a socket might deliver them. */
export function inPieces(bytes: Uint8Array, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, turn = 0; at < bytes.length; turn++) {
    const size = Math.max(1, sizes[turn % sizes.length] ?? bytes.length);
    out.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return out;
}
