const MIB = 1024 * 1024;

/** S3's own bounds: the smallest part but the last, the largest part, the most parts. */
export const S3_MIN_PART_SIZE = 5 * MIB;
export const S3_MAX_PART_SIZE = 5 * 1024 * MIB;
export const S3_PART_COUNT_LIMIT = 10_000;

/** The smallest part size the writer chooses by itself. */
export const MIN_CHOSEN_PART_SIZE = 8 * MIB;
/**
 * Without a size hint (a target's first backup): room for 78 GiB at 10,000 parts. Larger
 * first backups need S3_PART_SIZE, and the error says so; later ones are sized from it.
 */
export const DEFAULT_PART_SIZE = 8 * MIB;
/** How many times larger than the hint a stream may grow before it reaches the part limit. */
export const GROWTH_ROOM = 4;
/**
 * Parts go out one at a time. lib-storage holds about three parts' worth for each part in
 * flight (the part, the chunks gathered for the next one, and the buffer the previous one
 * was cut from), so memory is about three parts: measured on a 1 GiB PostgreSQL backup to
 * MinIO, peak RSS 129 MB with 8 MiB parts one at a time, 153 MB with 16 MiB parts, 172 MB
 * with 16 MiB parts two at a time. A backup's compressed stream (tens of MB/s at most)
 * is slower than one part upload at a time.
 */
const PARTS_IN_FLIGHT = 1;

/** How one upload is cut into parts. Every part but the last has `partSize` bytes. */
export interface PartPlan {
  partSize: number;
  maxParts: number;
  /** The most one upload can hold: `partSize * maxParts`. */
  limitBytes: number;
  /** Parts in flight at once: always 1, which keeps memory at about three parts. */
  queueSize: number;
  /** Where the part size came from, for logs and errors. */
  source: "S3_PART_SIZE" | "expected size" | "default";
}

export interface PartPlanInput {
  /** S3_PART_SIZE. */
  forcedPartSize?: number;
  /** S3_MAX_PARTS; 10,000 when unset. */
  maxParts?: number;
  /** The size the stream is expected to reach, e.g. the target's previous artifact. */
  expectedBytes?: number;
}

/**
 * The part size for one upload: S3_PART_SIZE when set; else large enough that a stream
 * `GROWTH_ROOM` times the expected size still fits in `maxParts` parts, in whole MiB and
 * never under 8 MiB; else 8 MiB when nothing is known.
 */
export function planParts(input: PartPlanInput = {}): PartPlan {
  const maxParts = input.maxParts ?? S3_PART_COUNT_LIMIT;
  let partSize: number;
  let source: PartPlan["source"];
  if (input.forcedPartSize !== undefined) {
    partSize = input.forcedPartSize;
    source = "S3_PART_SIZE";
  } else if (input.expectedBytes !== undefined && Number.isFinite(input.expectedBytes) && input.expectedBytes >= 0) {
    const needed = Math.ceil((input.expectedBytes * GROWTH_ROOM) / maxParts / MIB) * MIB;
    partSize = Math.min(S3_MAX_PART_SIZE, Math.max(MIN_CHOSEN_PART_SIZE, needed));
    source = "expected size";
  } else {
    partSize = DEFAULT_PART_SIZE;
    source = "default";
  }
  return {
    partSize,
    maxParts,
    limitBytes: partSize * maxParts,
    queueSize: PARTS_IN_FLIGHT,
    source,
  };
}

/** `8 MiB`, `1.5 GiB`: sizes for people. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[unit]}`;
}
