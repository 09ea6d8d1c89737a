/** Where a backup is stored. `remote` is S3 or S3-compatible storage. */
export type Destination = "local" | "remote";

/**
 * When a job fires. `cron` is a 5- or 6-field expression (6 = leading seconds) that
 * node-cron accepts, with macros already expanded; `interval` comes from `@every`.
 */
export type Schedule =
  | { kind: "cron"; expression: string; timezone: string }
  | { kind: "interval"; everySeconds: number };

/** How many backups retention keeps besides those younger than the retention period. */
export interface KeepPolicy {
  /** The newest N successful backups, whatever their age; at least 1. */
  last: number;
  /** The newest backup of each of the last N days / ISO weeks / months that have backups. */
  daily?: number;
  weekly?: number;
  monthly?: number;
}

/** A validated request to back up one target, built from a container's labels. */
export interface BackupSpec {
  /**
   * Stable across container re-creation: compose project + service when present,
   * else the container name. Never only the container id.
   */
  identity: string;
  containerId: string;
  containerName: string;
  /** Engine name, matching a registered `Dumper.engine`. */
  engine: string;
  /** `backup.cron` as written, for reports and webhooks. */
  cron: string;
  schedule: Schedule;
  database: string;
  /** Connection URI from `backup.conn`, with `${VAR}` references already resolved. */
  conn?: string;
  dest: Destination;
  /** Folder or key prefix, already checked not to escape its destination. */
  prefix: string;
  webhookUrl?: string;
  /** `backup.webhook.on`: notify after every run, or only after failures. */
  webhookOn: "always" | "failure";
  /** `backup.mode`: run the dump tool inside the container, from the agent, or pick. */
  mode: "exec" | "client" | "auto";
  retentionSeconds: number;
  keep: KeepPolicy;
  /** For `volume`: the path inside the container. */
  path?: string;
  /** Every `backup.*` label as written, for engines that read their own options. */
  labels: Record<string, string>;
}
