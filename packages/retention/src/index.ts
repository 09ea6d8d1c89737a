export { periodOf, type Tier } from "./calendar.js";
export { decideRetention, type RetentionDecision } from "./decide-retention.js";
export { formatSeconds } from "./duration-text.js";
export { type PlanDefaults, planPrune } from "./plan-prune.js";
export {
  DEFAULT_KEEP_LAST,
  policyFromManifest,
  policyFromSpec,
  policyProblems,
  type RetentionPolicy,
} from "./policy.js";
export {
  DEFAULT_BATCH_SIZE,
  type PruneFailure,
  type PruneOptions,
  type PruneReport,
  prune,
} from "./prune.js";
export { parseStartedAt } from "./started-at.js";
