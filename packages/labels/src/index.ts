export type { BackupSpec, Destination, Schedule } from "@lb/core";
export { BOOLEAN_FORMS, parseBoolean } from "./booleans.js";
export { CONN_SCHEMES, type ConnHost, type ConnInfo, type ConnResult, parseConnUri } from "./conn-uri.js";
export { CRON_MACROS, parseSchedule, type ScheduleResult } from "./cron.js";
export { formatDuration, MAX_DURATION_SECONDS, parseDuration } from "./duration.js";
export { isBackupEnabled } from "./enabled.js";
export {
  BUILTIN_ENGINES,
  type BuiltinEngine,
  ENGINE_ALIASES,
  type EngineResult,
  resolveEngine,
  SCHEMES_BY_ENGINE,
} from "./engines.js";
export {
  type EnvAllowList,
  type EnvAllowListResult,
  isEnvAllowed,
  NO_ENV_ALLOWED,
  parseEnvAllowList,
} from "./env-allow-list.js";
export { COMPOSE_NUMBER_LABEL, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, targetIdentity } from "./identity.js";
export { type LabelEnv, labelEnv, NO_LABEL_ENV, type VariableLookup } from "./label-env.js";
export { LABEL_PREFIX, LABELS } from "./label-names.js";
export { nextRuns } from "./next-runs.js";
export { parseBackupLabels, secretsOfSpec } from "./parse-backup-labels.js";
export { MAX_PREFIX_LENGTH, normalisePrefix, type PrefixResult } from "./prefix.js";
export { DEFAULT_RETENTION_SECONDS, parseRetention, type RetentionResult } from "./retention.js";
export { type RuntimeSettings, readRuntimeSettings } from "./runtime-settings.js";
export {
  type AgentSettings,
  LOG_LEVELS,
  type LogLevel,
  loadAgentSettings,
  readAgentSettings,
  type S3Settings,
  type SettingError,
  type SettingsResult,
  secretsOf,
} from "./settings.js";
export { canonicalTimeZone } from "./timezone.js";
export type { ContainerLabelsInput, LabelError, LabelParseResult, ParseOptions } from "./types.js";
