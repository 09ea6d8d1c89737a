import { type BackupSpec, type Destination, type KeepPolicy, passwordOfUri, type Schedule } from "@lb/core";
import { BOOLEAN_FORMS, parseBoolean } from "./booleans.js";
import { type ConnInfo, parseConnUri } from "./conn-uri.js";
import { parseSchedule } from "./cron.js";
import { formatDuration } from "./duration.js";
import { type BuiltinEngine, isBuiltinEngine, resolveEngine, SCHEMES_BY_ENGINE } from "./engines.js";
import { NO_ENV_ALLOWED } from "./env-allow-list.js";
import { isHttpUrl } from "./http-url.js";
import { targetIdentity } from "./identity.js";
import { type LabelEnv, labelEnv } from "./label-env.js";
import { backupLabelsOf, isKnownLabel, LABELS } from "./label-names.js";
import { normalisePrefix } from "./prefix.js";
import { hasControlChars, quote } from "./quote.js";
import { parseRetention } from "./retention.js";
import type { AgentSettings } from "./settings.js";
import type { ContainerLabelsInput, LabelError, LabelParseResult, ParseOptions } from "./types.js";

type Env = Record<string, string | undefined>;

/** Engines whose dump names one database, found in backup.database or the backup.conn path. */
const NEEDS_DATABASE: ReadonlySet<BuiltinEngine> = new Set(["postgres", "mysql", "mongodb"]);
const DEFAULT_REDIS_DATABASE = "0";

class Collector {
  readonly errors: LabelError[] = [];
  readonly warnings: LabelError[] = [];
  error(label: string, reason: string): void {
    this.errors.push({ label, reason });
  }
  warn(label: string, reason: string): void {
    this.warnings.push({ label, reason });
  }
}

/** A label's value, trimmed; unset and blank are the same. */
function labelValue(labels: Record<string, string>, name: string): string | undefined {
  const value = labels[name];
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function oneOf<T extends string>(
  labels: Record<string, string>,
  name: string,
  allowed: readonly T[],
  fallback: T,
  out: Collector,
): T {
  const text = labelValue(labels, name);
  if (text === undefined) return fallback;
  const value = text.toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  out.error(name, `must be one of ${allowed.join(", ")}, got ${quote(text)}`);
  return fallback;
}

function readConn(
  labels: Record<string, string>,
  engine: string | undefined,
  env: LabelEnv,
  out: Collector,
): { conn: ConnInfo; masked: string } | undefined {
  const text = labelValue(labels, LABELS.conn);
  if (text === undefined) return undefined;
  if (engine === "volume") {
    out.error(LABELS.conn, "is not used by volume backups; remove it");
    return undefined;
  }
  const parsed = parseConnUri(text, env);
  if (!parsed.ok) {
    out.error(LABELS.conn, parsed.reason);
    return undefined;
  }
  if (engine !== undefined && isBuiltinEngine(engine)) {
    const schemes = SCHEMES_BY_ENGINE[engine];
    if (!schemes.includes(parsed.conn.scheme)) {
      out.error(
        LABELS.conn,
        `${parsed.conn.scheme}:// does not fit backup.type ${engine}; use ${schemes.map((s) => `${s}://`).join(" or ")}`,
      );
      return undefined;
    }
  }
  return { conn: parsed.conn, masked: parsed.maskedTemplate };
}

function readDatabase(
  labels: Record<string, string>,
  engine: string | undefined,
  conn: ConnInfo | undefined,
  connLabelFailed: boolean,
  path: string | undefined,
  out: Collector,
): string {
  const label = labelValue(labels, LABELS.database);
  if (label !== undefined && hasControlChars(label)) {
    out.error(LABELS.database, "must not contain control characters");
    return "";
  }
  if (engine === "volume") return path ?? "";
  if (engine === "redis") {
    if (label !== undefined) {
      if (!/^\d{1,9}$/.test(label))
        out.error(LABELS.database, `must be a Redis database number such as 0, got ${quote(label)}`);
      return label;
    }
    const database = conn?.database ?? DEFAULT_REDIS_DATABASE;
    if (!/^\d{1,9}$/.test(database))
      out.error(LABELS.conn, "has a path that is not a Redis database number such as /0");
    return database;
  }
  if (label !== undefined) {
    // For MongoDB the path is usually the authentication database, so a difference is normal there.
    if (engine !== "mongodb" && conn?.database !== undefined && conn.database !== label) {
      out.warn(LABELS.database, "differs from the database in backup.conn; backup.database is used");
    }
    return label;
  }
  if (conn?.database !== undefined) return conn.database;
  if (engine !== undefined && isBuiltinEngine(engine) && NEEDS_DATABASE.has(engine) && !connLabelFailed) {
    out.error(LABELS.database, `is required for ${engine} unless backup.conn names the database in its path`);
  }
  return "";
}

function readPath(labels: Record<string, string>, engine: string | undefined, out: Collector): string | undefined {
  const text = labelValue(labels, LABELS.path);
  if (engine !== "volume") {
    if (text !== undefined && engine !== undefined && isBuiltinEngine(engine)) {
      out.warn(LABELS.path, `is only used by volume backups; ignored for ${engine}`);
    }
    return undefined;
  }
  if (text === undefined) {
    out.error(LABELS.path, "is required for volume backups: the absolute path inside the container to archive");
    return undefined;
  }
  if (!text.startsWith("/")) {
    out.error(LABELS.path, `must be an absolute path inside the container, got ${quote(text)}`);
    return undefined;
  }
  if (hasControlChars(text)) {
    out.error(LABELS.path, "must not contain control characters");
    return undefined;
  }
  return text.length > 1 ? text.replace(/\/+$/, "") : text;
}

function readDest(labels: Record<string, string>, settings: AgentSettings, out: Collector): Destination {
  const text = labelValue(labels, LABELS.dest);
  if (text === undefined) return "local";
  const value = text.toLowerCase();
  // The original agent's examples wrote `s3`; it means the remote destination.
  const dest: Destination | undefined =
    value === "local" ? "local" : value === "remote" || value === "s3" ? "remote" : undefined;
  if (dest === undefined) {
    out.error(LABELS.dest, `must be local or remote, got ${quote(text)}`);
    return "local";
  }
  if (dest === "remote" && settings.s3 === undefined) {
    out.error(LABELS.dest, `is ${value}, but the agent has no S3 bucket configured (set BUCKET_NAME)`);
  }
  return dest;
}

function readSchedule(labels: Record<string, string>, settings: AgentSettings, out: Collector): Schedule | undefined {
  const text = labels[LABELS.cron];
  if (text === undefined || text.trim() === "") {
    out.error(LABELS.cron, 'is required: a cron expression such as "0 3 * * *", a macro such as @daily, or @every 6h');
    return undefined;
  }
  const parsed = parseSchedule(text, settings.timezone);
  if (!parsed.ok) {
    out.error(LABELS.cron, parsed.reason);
    return undefined;
  }
  return parsed.schedule;
}

function readRetention(labels: Record<string, string>, settings: AgentSettings, out: Collector): number {
  const text = labels[LABELS.retention] ?? "";
  const retention = parseRetention(text, settings.globalRetentionSeconds);
  if (retention.source === "invalid") {
    out.warn(
      LABELS.retention,
      `${quote(text.trim())} is not a duration (7d, 24h, 90m, 4w, 1h30m, or a number of days); using the global ${formatDuration(settings.globalRetentionSeconds)}`,
    );
  }
  return retention.seconds;
}

/** backup.keep-last (default 1, at least 1) and the optional daily/weekly/monthly tiers. */
function readKeep(labels: Record<string, string>, out: Collector): KeepPolicy {
  const count = (name: string, min: number): number | undefined => {
    const text = labelValue(labels, name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 10_000) {
      out.error(name, `must be a whole number from ${min} to 10000, got ${quote(text)}`);
      return undefined;
    }
    return Number(text);
  };
  const keep: KeepPolicy = { last: count(LABELS.keepLast, 1) ?? 1 };
  const daily = count(LABELS.keepDaily, 0);
  const weekly = count(LABELS.keepWeekly, 0);
  const monthly = count(LABELS.keepMonthly, 0);
  if (daily) keep.daily = daily;
  if (weekly) keep.weekly = weekly;
  if (monthly) keep.monthly = monthly;
  return keep;
}

function readWebhook(labels: Record<string, string>, out: Collector): string | undefined {
  const text = labelValue(labels, LABELS.webhook);
  if (text === undefined) return undefined;
  // Webhook URLs often carry a token in their path, so the value is never quoted.
  if (!isHttpUrl(text)) {
    out.error(LABELS.webhook, "must be an http:// or https:// URL");
    return undefined;
  }
  return text;
}

function warnUnknownLabels(labels: Record<string, string>, out: Collector): void {
  for (const name of Object.keys(labels)) {
    // backup.<engine>.<option> and other dotted names belong to engines; only single words are checked.
    if (!isKnownLabel(name) && !name.slice("backup.".length).includes(".")) {
      out.warn(name, "is not a label Label Backup knows; check its spelling");
    }
  }
}

function parse(
  container: ContainerLabelsInput,
  settings: AgentSettings,
  env: Env,
  options: ParseOptions,
): LabelParseResult {
  const labels = backupLabelsOf(container.labels);
  const out = new Collector();

  const enabledText = labels[LABELS.enabled];
  if (enabledText !== undefined && parseBoolean(enabledText) === undefined) {
    out.error(LABELS.enabled, `must be ${BOOLEAN_FORMS}, got ${quote(enabledText.trim())}`);
  }

  let engine: string | undefined;
  const engineResult = resolveEngine(labels[LABELS.type] ?? "", options.extraEngines);
  if (engineResult.ok) engine = engineResult.engine;
  else out.error(LABELS.type, engineResult.reason);

  const schedule = readSchedule(labels, settings, out);
  const errorsBeforeConn = out.errors.length;
  // Labels are untrusted: they see only the variables the operator's LABEL_ENV_ALLOW lets through.
  const conn = readConn(labels, engine, labelEnv(env, settings.labelEnvAllow ?? NO_ENV_ALLOWED), out);
  const connFailed = out.errors.length > errorsBeforeConn;
  const path = readPath(labels, engine, out);
  const database = readDatabase(labels, engine, conn?.conn, connFailed, path, out);

  const mode = oneOf(labels, LABELS.mode, ["exec", "client", "auto"] as const, "auto", out);
  if (mode === "client" && engine === "volume") {
    out.error(LABELS.mode, "client mode does not apply to volume backups; use exec or auto");
  } else if (mode === "client" && conn === undefined && !connFailed) {
    out.error(LABELS.conn, "is required when backup.mode is client");
  }

  const dest = readDest(labels, settings, out);
  const prefixResult = normalisePrefix(labels[LABELS.prefix] ?? "");
  if (!prefixResult.ok) out.error(LABELS.prefix, prefixResult.reason);
  const webhookUrl = readWebhook(labels, out);
  const webhookOn = oneOf(labels, LABELS.webhookOn, ["always", "failure"] as const, "always", out);
  const retentionSeconds = readRetention(labels, settings, out);
  const keep = readKeep(labels, out);
  warnUnknownLabels(labels, out);

  if (out.errors.length > 0 || engine === undefined || schedule === undefined || !prefixResult.ok) {
    return { ok: false, errors: out.errors };
  }

  // The spec keeps every label as written, except that a literal password in backup.conn is masked.
  const keptLabels = { ...labels };
  if (conn) keptLabels[LABELS.conn] = conn.masked;

  const spec: BackupSpec = {
    identity: targetIdentity(container),
    containerId: container.id,
    containerName: container.name.replace(/^\/+/, ""),
    engine,
    cron: labels[LABELS.cron]!,
    schedule,
    database,
    dest,
    prefix: prefixResult.prefix,
    webhookOn,
    mode,
    retentionSeconds,
    keep,
    labels: keptLabels,
  };
  if (conn) spec.conn = conn.conn.uri;
  if (webhookUrl !== undefined) spec.webhookUrl = webhookUrl;
  if (path !== undefined) spec.path = path;
  return out.warnings.length > 0 ? { ok: true, spec, warnings: out.warnings } : { ok: true, spec };
}

/**
 * Parses every backup.* label of one container. Never throws. Errors name the label;
 * messages never contain a password. `${VAR}` references in backup.conn are looked up in
 * `env` (pass `process.env` to use the agent's environment), and only for the variables
 * `settings.labelEnvAllow` (LABEL_ENV_ALLOW) allows; any other reference is an error.
 */
export function parseBackupLabels(
  container: ContainerLabelsInput,
  settings: AgentSettings,
  env: Env = {},
  options: ParseOptions = {},
): LabelParseResult {
  try {
    return parse(container, settings, env, options);
  } catch {
    // A bug here must not take the agent down; the message is not echoed as it could hold a label value.
    return {
      ok: false,
      errors: [{ label: "backup.*", reason: "could not be parsed because of an internal error in @lb/labels" }],
    };
  }
}

/** The secrets a spec carries (the backup.conn password, the webhook URL), for building a redactor. */
export function secretsOfSpec(spec: BackupSpec): string[] {
  const secrets: string[] = [];
  if (spec.conn) {
    const parsed = parseConnUri(spec.conn);
    const password = parsed.ok ? parsed.conn.password : passwordOfUri(spec.conn);
    if (password) secrets.push(password);
  }
  if (spec.webhookUrl) secrets.push(spec.webhookUrl);
  return secrets;
}
