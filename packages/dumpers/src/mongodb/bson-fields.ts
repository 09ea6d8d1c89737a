export type BsonScalar = string | number | bigint | boolean | null;

/** Reads a little-endian C string starting at `at`; returns it and the offset after its NUL. */
function cstring(doc: Buffer, at: number): [string, number] {
  const end = doc.indexOf(0, at);
  if (end < 0) throw new Error("unterminated field name");
  return [doc.toString("utf8", at, end), end + 1];
}

const FIXED_SIZES: Record<number, number> = {
  1: 8, // double
  7: 12, // ObjectId
  8: 1, // boolean
  9: 8, // UTC datetime
  10: 0, // null
  16: 4, // int32
  17: 8, // timestamp
  18: 8, // int64
  19: 16, // decimal128
  127: 0, // max key
  255: 0, // min key
};

/**
 * The top-level scalar fields of one BSON document (strings, numbers, booleans), enough
 * to read the small header documents of a mongodump archive. Nested documents, arrays
 * and binaries are skipped. Throws when the document is malformed.
 */
export function bsonFields(doc: Buffer): Map<string, BsonScalar> {
  if (doc.length < 5 || doc.readInt32LE(0) !== doc.length || doc[doc.length - 1] !== 0) {
    throw new Error("not a BSON document");
  }
  const fields = new Map<string, BsonScalar>();
  let at = 4;
  while (at < doc.length - 1) {
    const type = doc[at]!;
    const [name, valueAt] = cstring(doc, at + 1);
    at = valueAt;
    switch (type) {
      case 0x02: {
        const length = doc.readInt32LE(at);
        fields.set(name, doc.toString("utf8", at + 4, at + 4 + length - 1));
        at += 4 + length;
        break;
      }
      case 0x03:
      case 0x04:
        at += doc.readInt32LE(at);
        break;
      case 0x05:
        at += 4 + 1 + doc.readInt32LE(at);
        break;
      case 0x01:
        fields.set(name, doc.readDoubleLE(at));
        at += 8;
        break;
      case 0x08:
        fields.set(name, doc[at] === 1);
        at += 1;
        break;
      case 0x0a:
        fields.set(name, null);
        break;
      case 0x10:
        fields.set(name, doc.readInt32LE(at));
        at += 4;
        break;
      case 0x12:
        fields.set(name, doc.readBigInt64LE(at));
        at += 8;
        break;
      default: {
        const size = FIXED_SIZES[type];
        if (size === undefined) throw new Error(`unsupported BSON type 0x${type.toString(16)} in field ${name}`);
        at += size;
      }
    }
    if (at > doc.length - 1) throw new Error(`field ${name} runs past the end of the document`);
  }
  return fields;
}
