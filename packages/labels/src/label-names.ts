/** The labels this package understands, by name. */
export const LABELS = {
  enabled: "backup.enabled",
  type: "backup.type",
  cron: "backup.cron",
  conn: "backup.conn",
  database: "backup.database",
  dest: "backup.dest",
  prefix: "backup.prefix",
  webhook: "backup.webhook",
  webhookOn: "backup.webhook.on",
  mode: "backup.mode",
  retention: "backup.retention",
  keepLast: "backup.keep-last",
  keepDaily: "backup.keep-daily",
  keepWeekly: "backup.keep-weekly",
  keepMonthly: "backup.keep-monthly",
  path: "backup.path",
} as const;

export const LABEL_PREFIX = "backup.";

const KNOWN = new Set<string>(Object.values(LABELS));

export function isKnownLabel(name: string): boolean {
  return KNOWN.has(name);
}

/** The `backup.*` labels of a container, as written. */
export function backupLabelsOf(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (name.startsWith(LABEL_PREFIX)) out[name] = value;
  }
  return out;
}
