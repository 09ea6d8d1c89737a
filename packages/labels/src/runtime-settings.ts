import { parseSchedule } from "./cron.js";
import { parseDuration } from "./duration.js";
import { quote } from "./quote.js";
import { parseByteSize } from "./s3-extra-settings.js";

/** How the agent runs: concurrency, time limits, its HTTP server, GC schedule, plugins. */
export interface RuntimeSettings {
  /** MAX_CONCURRENT_BACKUPS, default 2: more runs wait in a queue, none is skipped. */
  maxConcurrentBackups: number;
  /** BACKUP_TIMEOUT, default 12h; 0 turns it off. */
  backupTimeoutSeconds: number;
  /** BACKUP_STALL_TIMEOUT, default 10m without a byte; 0 turns it off. */
  backupStallTimeoutSeconds: number;
  /** SHUTDOWN_GRACE_SECONDS, default 60: how long running backups may finish at shutdown. */
  shutdownGraceSeconds: number;
  /** HTTP_PORT, default 8080; 0 turns the server off. */
  httpPort: number;
  /** HTTP_HOST, default 0.0.0.0: the address the HTTP server listens on. */
  httpHost: string;
  /** API_TOKEN: required by POST endpoints; without it they are off. */
  apiToken?: string;
  /** GC_CRON, default `0 4 * * *`. */
  gcCron: string;
  /** LB_PLUGINS: package names of extra dumpers, comma- or space-separated. */
  plugins: string[];
  /** LOCAL_MIN_FREE_SPACE: a local backup is not started with less free space; 0 (default) = no floor. */
  localMinFreeBytes: number;
  /** COMPRESSION_LEVEL, gzip 1-9, default 6 (what `gzip` uses). */
  compressionLevel: number;
  /** COMPRESSION_THREADS, default 1; more compresses blocks on several cores (still one gzip file). */
  compressionThreads: number;
}

type Env = Record<string, string | undefined>;
type Report = (variable: string, reason: string) => void;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** A duration such as `90s`, `10m`, `6h`, `1h30m`, or bare seconds; `0` means off. */
function durationSetting(env: Env, name: string, fallback: number, error: Report): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (text === "0") return 0;
  const seconds = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (seconds === undefined || seconds <= 0) {
    error(name, `must be a duration such as 90s, 10m, 6h or 1h30m, or 0 to turn it off; got ${quote(text)}`);
    return fallback;
  }
  return seconds;
}

function integerSetting(env: Env, name: string, fallback: number, min: number, max: number, error: Report): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    error(name, `must be a whole number from ${min} to ${max}, got ${quote(text)}`);
    return fallback;
  }
  return value;
}

function byteSetting(env: Env, name: string, error: Report): number {
  const text = read(env, name);
  if (text === undefined) return 0;
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    error(name, `must be a size such as 512MiB or 2GiB (or bytes), got ${quote(text)}`);
    return 0;
  }
  return bytes;
}

// npm package names, scoped or not.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function readRuntimeSettings(env: Env, timezone: string, error: Report): RuntimeSettings {
  const gcCron = read(env, "GC_CRON") ?? "0 4 * * *";
  const gcSchedule = parseSchedule(gcCron, timezone);
  if (!gcSchedule.ok) error("GC_CRON", gcSchedule.reason);

  const plugins = (read(env, "LB_PLUGINS") ?? "").split(/[\s,]+/).filter(Boolean);
  for (const name of plugins) {
    if (!PACKAGE_NAME.test(name)) error("LB_PLUGINS", `${quote(name)} is not a package name`);
  }

  const settings: RuntimeSettings = {
    // CONCURRENT_BACKUP_LIMIT is the name in the original agent's README.
    maxConcurrentBackups: integerSetting(
      env,
      read(env, "MAX_CONCURRENT_BACKUPS") === undefined && read(env, "CONCURRENT_BACKUP_LIMIT") !== undefined
        ? "CONCURRENT_BACKUP_LIMIT"
        : "MAX_CONCURRENT_BACKUPS",
      2,
      1,
      64,
      error,
    ),
    backupTimeoutSeconds: durationSetting(env, "BACKUP_TIMEOUT", 12 * 3600, error),
    backupStallTimeoutSeconds: durationSetting(env, "BACKUP_STALL_TIMEOUT", 600, error),
    shutdownGraceSeconds: integerSetting(env, "SHUTDOWN_GRACE_SECONDS", 60, 0, 86_400, error),
    httpPort: integerSetting(env, "HTTP_PORT", 8080, 0, 65_535, error),
    httpHost: read(env, "HTTP_HOST") ?? "0.0.0.0",
    gcCron,
    plugins,
    localMinFreeBytes: byteSetting(env, "LOCAL_MIN_FREE_SPACE", error),
    compressionLevel: integerSetting(env, "COMPRESSION_LEVEL", 6, 1, 9, error),
    compressionThreads: integerSetting(env, "COMPRESSION_THREADS", 1, 1, 16, error),
  };
  const apiToken = env.API_TOKEN;
  if (apiToken !== undefined && apiToken !== "") {
    if (apiToken.length < 16) error("API_TOKEN", "must be at least 16 characters long");
    else settings.apiToken = apiToken;
  }
  return settings;
}
