const MIB = 1024 * 1024;

/** S3's own bounds: the smallest part but the last, the largest part, the most parts. */
export const S3_MIN_PART_SIZE = 5 * MIB;
export const S3_MAX_PART_SIZE = 5 * 1024 * MIB;
export const S3_PART_COUNT_LIMIT = 10_000;

/** The smallest part size the writer chooses by itself. */
export const MIN_CHOSEN_PART_SIZE = 8 * MIB;
/** Without a size hint: room for 156 GiB at 10,000 parts, 15.6 GiB at 1,000. */
export const DEFAULT_PART_SIZE = 16 * MIB;
/** How many times larger than the hint a stream may grow before it reaches the part limit. */
export const GROWTH_ROOM = 4;
/**
 * Parts up to this size are uploaded two at a time, larger ones one at a time, so the
 * process stays near 140 MiB (measured) with parts up to 16 MiB: lib-storage holds each
 * part in flight plus the next one while it is assembled.
 */
const TWO_AT_A_TIME_UP_TO = 8 * MIB;

/** How one upload is cut into parts. Every part but the last has `partSize` bytes. */
export interface PartPlan {
  partSize: number;
  maxParts: number;
  /** The most one upload can hold: `partSize * maxParts`. */
  limitBytes: number;
  /** Parts in flight at once: 2 for 8 MiB parts, else 1. */
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
 * never under 8 MiB; else 16 MiB when nothing is known.
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
    queueSize: partSize <= TWO_AT_A_TIME_UP_TO ? 2 : 1,
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
