/**
 * A reflected 64-bit CRC, computed over 32-bit halves so no BigInt is needed per byte.
 * `reflectedPoly` is the polynomial in reflected (LSB-first) form; `init` and `xorOut`
 * are applied as the common CRC catalogues describe.
 */
export interface Crc64Variant {
  reflectedPoly: bigint;
  init: bigint;
  xorOut: bigint;
}

/** Redis's RDB checksum: CRC-64/Jones, reflected, init 0, no final xor. */
export const CRC64_JONES: Crc64Variant = { reflectedPoly: 0x95ac9329ac4bc9b5n, init: 0n, xorOut: 0n };

/** Go's `crc64.ECMA` table as `hash/crc64` uses it (CRC-64/XZ), which mongodump uses. */
export const CRC64_ECMA_GO: Crc64Variant = {
  reflectedPoly: 0xc96c5795d7870f42n,
  init: 0xffffffffffffffffn,
  xorOut: 0xffffffffffffffffn,
};

const MASK32 = 0xffffffffn;
const SLICES = 8;

interface Tables {
  lo: Uint32Array;
  hi: Uint32Array;
}

const tableCache = new Map<bigint, Tables>();

// Slicing-by-8: table k maps a byte to its contribution after k further bytes.
function tablesFor(poly: bigint): Tables {
  const cached = tableCache.get(poly);
  if (cached) return cached;
  const lo = new Uint32Array(256 * SLICES);
  const hi = new Uint32Array(256 * SLICES);
  const first: bigint[] = [];
  for (let n = 0; n < 256; n++) {
    let crc = BigInt(n);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    first.push(crc);
    lo[n] = Number(crc & MASK32);
    hi[n] = Number(crc >> 32n);
  }
  for (let n = 0; n < 256; n++) {
    let crc = first[n] ?? 0n;
    for (let k = 1; k < SLICES; k++) {
      crc = (first[Number(crc & 0xffn)] ?? 0n) ^ (crc >> 8n);
      lo[k * 256 + n] = Number(crc & MASK32);
      hi[k * 256 + n] = Number(crc >> 32n);
    }
  }
  const tables = { lo, hi };
  tableCache.set(poly, tables);
  return tables;
}

/** A running CRC-64 that can be fed chunks as they stream past. */
export class Crc64 {
  private lo: number;
  private hi: number;
  private readonly tables: Tables;

  constructor(private readonly variant: Crc64Variant) {
    this.tables = tablesFor(variant.reflectedPoly);
    this.lo = Number(variant.init & MASK32);
    this.hi = Number(variant.init >> 32n);
  }

  update(data: Uint8Array): this {
    const { lo: tlo, hi: thi } = this.tables;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const end8 = data.length - (data.length % 8);
    for (; i < end8; i += 8) {
      // Fold eight input bytes into the 64-bit state, then look each byte up once.
      const a = (lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
      const b = (hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24))) >>> 0;
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = (tlo[i7]! ^ tlo[i6]! ^ tlo[i5]! ^ tlo[i4]! ^ tlo[i3]! ^ tlo[i2]! ^ tlo[i1]! ^ tlo[i0]!) >>> 0;
      hi = (thi[i7]! ^ thi[i6]! ^ thi[i5]! ^ thi[i4]! ^ thi[i3]! ^ thi[i2]! ^ thi[i1]! ^ thi[i0]!) >>> 0;
    }
    for (; i < data.length; i++) {
      const index = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ tlo[index]!;
      hi = (hi >>> 8) ^ thi[index]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** An independent copy, to try different endings of the same stream. */
  clone(): Crc64 {
    const copy = new Crc64(this.variant);
    copy.lo = this.lo;
    copy.hi = this.hi;
    return copy;
  }

  /** The checksum of everything fed so far; the CRC can be fed more afterwards. */
  digest(): bigint {
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)) ^ this.variant.xorOut;
  }
}

/** The CRC-64 of one buffer. */
export function crc64(variant: Crc64Variant, data: Uint8Array): bigint {
  return new Crc64(variant).update(data).digest();
}
