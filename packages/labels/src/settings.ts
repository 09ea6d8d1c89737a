import { ConfigError } from "@lb/core";
import { BOOLEAN_FORMS, parseBoolean } from "./booleans.js";
import { formatDuration } from "./duration.js";
import { allowsNothing, type EnvAllowList, parseEnvAllowList } from "./env-allow-list.js";
import { isHttpUrl } from "./http-url.js";
import { hasControlChars, quote } from "./quote.js";
import { DEFAULT_RETENTION_SECONDS, parseRetention } from "./retention.js";
import { type RuntimeSettings, readRuntimeSettings } from "./runtime-settings.js";
import { readS3ExtraSettings, type S3ExtraSettings } from "./s3-extra-settings.js";
import { canonicalTimeZone } from "./timezone.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface S3Settings extends S3ExtraSettings {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export interface AgentSettings {
  logLevel: LogLevel;
  /** GLOBAL_RETENTION_PERIOD, default 7d; an invalid value falls back to 7d. */
  globalRetentionSeconds: number;
  gcDryRun: boolean;
  localBackupPath: string;
  reconcileIntervalSeconds: number;
  /** Canonical IANA zone from TZ, default UTC. */
  timezone: string;
  dockerHost?: string;
  webhook: {
    url?: string;
    secret?: string;
    timeoutSeconds: number;
    maxRetries: number;
    /** WEBHOOK_ALLOWED_ORIGINS, normalised: origins besides WEBHOOK_URL's that the secret may sign for. */
    allowedOrigins: string[];
    /** LABEL_WEBHOOKS: whether `backup.webhook` labels are followed (default on). */
    labelWebhooks: boolean;
  };
  /** Present when BUCKET_NAME is set. */
  s3?: S3Settings;
  runtime: RuntimeSettings;
  /** LABEL_ENV_ALLOW: the variables `${NAME}` in labels may read; absent when unset, which allows none. */
  labelEnvAllow?: EnvAllowList;
}

/** One invalid environment variable and why. */
export interface SettingError {
  variable: string;
  reason: string;
}

export type SettingsResult =
  | { ok: true; settings: AgentSettings; warnings: SettingError[] }
  | { ok: false; errors: SettingError[] };

type Env = Record<string, string | undefined>;

const DOCKER_HOST_SCHEMES = ["unix:", "tcp:", "http:", "https:", "ssh:", "npipe:"];

/** A variable's value, trimmed; unset and blank are the same. */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function integerIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** Reads every agent variable and reports every invalid one; never throws. */
export function readAgentSettings(env: Env): SettingsResult {
  const errors: SettingError[] = [];
  const warnings: SettingError[] = [];
  const error = (variable: string, reason: string) => errors.push({ variable, reason });

  let logLevel: LogLevel = "info";
  const levelText = read(env, "LOG_LEVEL")?.toLowerCase();
  if (levelText !== undefined) {
    const level = levelText === "warning" ? "warn" : levelText;
    if ((LOG_LEVELS as readonly string[]).includes(level)) logLevel = level as LogLevel;
    else error("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got ${quote(levelText)}`);
  }

  const retentionText = read(env, "GLOBAL_RETENTION_PERIOD") ?? "";
  const retention = parseRetention(retentionText, DEFAULT_RETENTION_SECONDS);
  if (retention.source === "invalid" || (retention.source === "global" && retentionText !== "")) {
    warnings.push({
      variable: "GLOBAL_RETENTION_PERIOD",
      reason: `${quote(retentionText)} is not a positive duration (7d, 24h, 4w, 1h30m, or days); using ${formatDuration(DEFAULT_RETENTION_SECONDS)}`,
    });
  }

  let gcDryRun = false;
  const dryRunText = read(env, "GC_DRY_RUN");
  if (dryRunText !== undefined) {
    const value = parseBoolean(dryRunText);
    if (value === undefined) error("GC_DRY_RUN", `must be ${BOOLEAN_FORMS}, got ${quote(dryRunText)}`);
    else gcDryRun = value;
  }

  let localBackupPath = "/backups";
  const localText = read(env, "LOCAL_BACKUP_PATH");
  if (localText !== undefined) {
    if (!localText.startsWith("/") || hasControlChars(localText)) {
      error("LOCAL_BACKUP_PATH", `must be an absolute path, got ${quote(localText)}`);
    } else {
      localBackupPath = localText.length > 1 ? localText.replace(/\/+$/, "") || "/" : localText;
    }
  }

  let reconcileIntervalSeconds = 10;
  const reconcileText = read(env, "RECONCILE_INTERVAL_SECONDS");
  if (reconcileText !== undefined) {
    const value = integerIn(reconcileText, 1, 86_400);
    if (value === undefined) {
      error(
        "RECONCILE_INTERVAL_SECONDS",
        `must be a whole number of seconds from 1 to 86400, got ${quote(reconcileText)}`,
      );
    } else reconcileIntervalSeconds = value;
  }

  let timezone = "UTC";
  const zoneText = read(env, "TZ");
  if (zoneText !== undefined) {
    const zone = canonicalTimeZone(zoneText);
    if (zone === undefined) error("TZ", `${quote(zoneText)} is not a known IANA time zone name, such as Europe/Paris`);
    else timezone = zone;
  }

  const dockerHost = read(env, "DOCKER_HOST");
  if (dockerHost !== undefined && !validDockerHost(dockerHost)) {
    error("DOCKER_HOST", `must be a unix://, tcp://, http(s)://, ssh:// or npipe:// address`);
  }

  const webhookUrl = read(env, "WEBHOOK_URL");
  // The URL often carries a token, so it is never quoted.
  if (webhookUrl !== undefined && !isHttpUrl(webhookUrl)) error("WEBHOOK_URL", "must be an http:// or https:// URL");
  const webhookSecret = env.WEBHOOK_SECRET === "" ? undefined : env.WEBHOOK_SECRET;

  let timeoutSeconds = 10;
  const timeoutText = read(env, "WEBHOOK_TIMEOUT_SECONDS");
  if (timeoutText !== undefined) {
    const value = integerIn(timeoutText, 1, 3600);
    if (value === undefined) {
      error("WEBHOOK_TIMEOUT_SECONDS", `must be a whole number of seconds from 1 to 3600, got ${quote(timeoutText)}`);
    } else timeoutSeconds = value;
  }

  let maxRetries = 3;
  const retriesText = read(env, "WEBHOOK_MAX_RETRIES");
  if (retriesText !== undefined) {
    const value = integerIn(retriesText, 0, 100);
    if (value === undefined)
      error("WEBHOOK_MAX_RETRIES", `must be a whole number from 0 to 100, got ${quote(retriesText)}`);
    else maxRetries = value;
  }

  const allowedOrigins = readAllowedOrigins(read(env, "WEBHOOK_ALLOWED_ORIGINS"), error);
  let labelWebhooks = true;
  const labelWebhooksText = read(env, "LABEL_WEBHOOKS")?.toLowerCase();
  if (labelWebhooksText === "off") labelWebhooks = false;
  else if (labelWebhooksText !== undefined && labelWebhooksText !== "on") {
    error("LABEL_WEBHOOKS", `must be on or off, got ${quote(labelWebhooksText)}`);
  }

  const s3 = readS3(env, error);
  const runtime = readRuntimeSettings(env, timezone, error);

  const labelEnvAllow = parseEnvAllowList(read(env, "LABEL_ENV_ALLOW"));
  if (!labelEnvAllow.ok) error("LABEL_ENV_ALLOW", labelEnvAllow.reason);

  if (errors.length > 0) return { ok: false, errors };
  const settings: AgentSettings = {
    logLevel,
    globalRetentionSeconds: retention.seconds,
    gcDryRun,
    localBackupPath,
    reconcileIntervalSeconds,
    timezone,
    webhook: { timeoutSeconds, maxRetries, allowedOrigins, labelWebhooks },
    runtime,
  };
  if (dockerHost !== undefined) settings.dockerHost = dockerHost;
  if (webhookUrl !== undefined) settings.webhook.url = webhookUrl;
  if (webhookSecret !== undefined) settings.webhook.secret = webhookSecret;
  if (s3 !== undefined) settings.s3 = s3;
  if (labelEnvAllow.ok && !allowsNothing(labelEnvAllow.allow)) settings.labelEnvAllow = labelEnvAllow.allow;
  return { ok: true, settings, warnings };
}

/**
 * WEBHOOK_ALLOWED_ORIGINS: comma-separated `scheme://host[:port]`, normalised as origins
 * compare (lower-case host, default port dropped). Anything more than an origin is
 * refused, not trimmed: a path would suggest a restriction that signing does not make.
 * The same rule as `parseOrigin` in @lb/notify, which checks them again when signing.
 */
function readAllowedOrigins(text: string | undefined, error: (variable: string, reason: string) => void): string[] {
  const origins: string[] = [];
  const entries = (text ?? "").split(",").map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    if (entry === "") continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(entry);
    } catch {}
    const onlyOrigin =
      parsed !== undefined &&
      (parsed.protocol === "http:" || parsed.protocol === "https:") &&
      parsed.username === "" &&
      parsed.password === "" &&
      parsed.pathname === "/" &&
      !/[?#]/.test(entry);
    if (parsed !== undefined && onlyOrigin) {
      origins.push(parsed.origin);
      continue;
    }
    // Never quoted: a full webhook URL pasted here carries its token in the path or query.
    const which =
      parsed?.protocol === "http:" || parsed?.protocol === "https:"
        ? `entry ${index + 1} (${parsed.origin}…)`
        : `entry ${index + 1}`;
    error(
      "WEBHOOK_ALLOWED_ORIGINS",
      `${which} is not an origin: write scheme://host[:port], like https://hooks.example.com, with no path, query or credentials`,
    );
  }
  return [...new Set(origins)];
}

function validDockerHost(text: string): boolean {
  if (/\s/.test(text) || hasControlChars(text)) return false;
  const scheme = DOCKER_HOST_SCHEMES.find((candidate) => text.toLowerCase().startsWith(`${candidate}//`));
  if (!scheme) return false;
  const rest = text.slice(scheme.length + 2);
  if (scheme === "unix:") return rest.startsWith("/");
  return rest !== "";
}

function readS3(env: Env, error: (variable: string, reason: string) => void): S3Settings | undefined {
  const bucket = read(env, "BUCKET_NAME");
  if (bucket === undefined) return undefined;
  if (bucket.includes("/") || /\s/.test(bucket) || hasControlChars(bucket) || bucket.length > 255) {
    error("BUCKET_NAME", `must be a bucket name without / or spaces, got ${quote(bucket)}`);
  }

  const endpoint = read(env, "ENDPOINT");
  if (endpoint !== undefined && !isHttpUrl(endpoint)) error("ENDPOINT", "must be an http:// or https:// URL");

  // REGION first, then the AWS SDK's own variables (the original agent's SDK read them),
  // then us-east-1 as the original documented; S3-compatible servers rarely care.
  const region = read(env, "REGION") ?? read(env, "AWS_REGION") ?? read(env, "AWS_DEFAULT_REGION") ?? "us-east-1";
  if (!/^[A-Za-z0-9-]+$/.test(region)) error("REGION", `must look like us-east-1, got ${quote(region)}`);

  const accessKeyId = read(env, "ACCESS_KEY_ID");
  const secretAccessKey = env.SECRET_ACCESS_KEY === "" ? undefined : env.SECRET_ACCESS_KEY;
  if (accessKeyId !== undefined && secretAccessKey === undefined) {
    error("SECRET_ACCESS_KEY", "is required when ACCESS_KEY_ID is set");
  }
  if (accessKeyId === undefined && secretAccessKey !== undefined) {
    error("ACCESS_KEY_ID", "is required when SECRET_ACCESS_KEY is set");
  }

  let forcePathStyle = endpoint !== undefined;
  const pathStyleText = read(env, "S3_USE_PATH_STYLE");
  if (pathStyleText !== undefined) {
    const value = parseBoolean(pathStyleText);
    if (value === undefined) error("S3_USE_PATH_STYLE", `must be ${BOOLEAN_FORMS}, got ${quote(pathStyleText)}`);
    else forcePathStyle = value;
  }

  const s3: S3Settings = { bucket, region, forcePathStyle, ...readS3ExtraSettings(env, error) };
  if (endpoint !== undefined) s3.endpoint = endpoint;
  if (accessKeyId !== undefined) s3.accessKeyId = accessKeyId;
  if (secretAccessKey !== undefined) s3.secretAccessKey = secretAccessKey;
  return s3;
}

/**
 * Reads and validates every variable; throws ConfigError naming the first invalid one
 * (GLOBAL_RETENTION_PERIOD never throws: an invalid value falls back to 7d).
 */
export function loadAgentSettings(env: Record<string, string | undefined>): AgentSettings {
  const result = readAgentSettings(env);
  if (!result.ok) {
    const [first, ...others] = result.errors;
    const more = others.length > 0 ? ` (and ${others.map((e) => e.variable).join(", ")})` : "";
    throw new ConfigError(first!.variable, `${first!.reason}${more}`);
  }
  return result.settings;
}

/** Every secret value in settings (webhook secret, webhook URL, S3 secret), for building a redactor. */
export function secretsOf(settings: AgentSettings): string[] {
  const secrets = [
    settings.webhook.secret,
    settings.webhook.url,
    settings.s3?.secretAccessKey,
    settings.runtime.apiToken,
  ];
  return secrets.filter((secret): secret is string => typeof secret === "string" && secret !== "");
}
