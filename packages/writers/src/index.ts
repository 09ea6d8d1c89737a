export { TEMP_PREFIX, writeFileAtomically } from "./local/atomic-file.js";
export { checkFreeSpace } from "./local/free-space.js";
export { type LocalWriterOptions, localWriter } from "./local/local-writer.js";
export { pathInside } from "./local/safe-path.js";
export { removeStaleTempFiles } from "./local/stale-temp-files.js";
export { parseManifest } from "./manifest.js";
export { expectedBytesFor } from "./s3/expected-size.js";
export {
  DEFAULT_PART_SIZE,
  formatBytes,
  GROWTH_ROOM,
  MIN_CHOSEN_PART_SIZE,
  type PartPlan,
  type PartPlanInput,
  planParts,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
  S3_PART_COUNT_LIMIT,
} from "./s3/part-plan.js";
export { hasAgentKeyShape } from "./s3/s3-keys.js";
export { checkS3Settings, type S3WriterOptions, type S3WriterSettings } from "./s3/s3-settings.js";
export { type S3WriteOptions, type S3Writer, s3Writer } from "./s3/s3-writer.js";
