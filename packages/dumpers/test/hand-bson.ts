export type HandBsonValue = string | number | bigint | boolean;

/**
 * A minimal BSON encoder for tests (strings, int32, int64, booleans), written by hand so
 * layout checks do not trust the bson package they check against. Fields in the order given.
 */
export function handBson(fields: Iterable<[string, HandBsonValue]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const key = Buffer.from(`${name}\0`);
    if (typeof value === "string") {
      const text = Buffer.from(`${value}\0`);
      const length = Buffer.alloc(4);
      length.writeInt32LE(text.length);
      parts.push(Buffer.from([0x02]), key, length, text);
    } else if (typeof value === "bigint") {
      const v = Buffer.alloc(8);
      v.writeBigInt64LE(BigInt.asIntN(64, value));
      parts.push(Buffer.from([0x12]), key, v);
    } else if (typeof value === "boolean") {
      parts.push(Buffer.from([0x08]), key, Buffer.from([value ? 1 : 0]));
    } else {
      const v = Buffer.alloc(4);
      v.writeInt32LE(value);
      parts.push(Buffer.from([0x10]), key, v);
    }
  }
  const body = Buffer.concat(parts);
  const doc = Buffer.alloc(4 + body.length + 1);
  doc.writeInt32LE(doc.length);
  body.copy(doc, 4);
  return doc;
}
