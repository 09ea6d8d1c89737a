export type BsonScalar = string | number | bigint | boolean | null;

/**
 * Header documents carry a handful of fields; a hostile one packed with millions of
 * distinct names would otherwise cost far more memory as a Map than as bytes.
 */
const MAX_FIELDS = 10_000;

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
 * and binaries are skipped. Every length is checked before it is used, so hostile bytes
 * end in a plain Error naming the field rather than a read out of range or a loop that
 * never ends; each field moves past at least its type byte and its name's NUL.
 */
export function bsonFields(doc: Buffer): Map<string, BsonScalar> {
  if (doc.length < 5 || doc.readInt32LE(0) !== doc.length || doc[doc.length - 1] !== 0) {
    throw new Error("not a BSON document");
  }
  // Fields lie between the length prefix and the document's own closing NUL.
  const end = doc.length - 1;
  const fields = new Map<string, BsonScalar>();
  let at = 4;
  while (at < end) {
    const type = doc[at]!;
    const nul = doc.indexOf(0, at + 1);
    if (nul < 0 || nul >= end) throw new Error("unterminated field name");
    const name = doc.toString("utf8", at + 1, nul);
    at = nul + 1;
    /** Fails unless `size` bytes of the value fit before the document's end. */
    const room = (size: number) => {
      if (at + size > end) throw new Error(`field ${name} runs past the end of the document`);
    };
    /** A length prefix that must lie within [min, what is left of the document]. */
    const length = (min: number, what: string) => {
      room(4);
      const value = doc.readInt32LE(at);
      if (value < min || at + value > end) throw new Error(`field ${name} has an impossible ${what} length ${value}`);
      return value;
    };
    switch (type) {
      case 0x02: {
        // int32 length, then that many bytes, the last one a NUL.
        const size = length(1, "string") + 4;
        room(size);
        if (doc[at + size - 1] !== 0) throw new Error(`field ${name} is a string without its closing NUL`);
        fields.set(name, doc.toString("utf8", at + 4, at + size - 1));
        at += size;
        break;
      }
      case 0x03:
      case 0x04:
        // The length counts itself and the closing NUL: five bytes at least.
        at += length(5, "document");
        break;
      case 0x05: {
        const size = 4 + 1 + length(0, "binary");
        room(size);
        at += size;
        break;
      }
      default: {
        const size = FIXED_SIZES[type];
        if (size === undefined) throw new Error(`unsupported BSON type 0x${type.toString(16)} in field ${name}`);
        room(size);
        if (type === 0x01) fields.set(name, doc.readDoubleLE(at));
        else if (type === 0x08) fields.set(name, doc[at] === 1);
        else if (type === 0x0a) fields.set(name, null);
        else if (type === 0x10) fields.set(name, doc.readInt32LE(at));
        else if (type === 0x12) fields.set(name, doc.readBigInt64LE(at));
        at += size;
      }
    }
    if (fields.size > MAX_FIELDS) throw new Error(`the document has more than ${MAX_FIELDS} fields`);
  }
  return fields;
}
