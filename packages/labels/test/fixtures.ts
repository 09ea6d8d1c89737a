import { type AgentSettings, type EnvAllowList, loadAgentSettings, parseEnvAllowList } from "../src/index.js";

/** Settings as the agent would load them with no environment at all. */
export const defaultSettings: AgentSettings = loadAgentSettings({});

/** Settings with an S3 bucket, so `backup.dest: remote` is allowed. */
export const s3Settings: AgentSettings = loadAgentSettings({ BUCKET_NAME: "production-backups", REGION: "us-east-1" });

export function container(labels: Record<string, string>, name = "db", id = "0123456789ab") {
  return { id, name, labels };
}

/** A LABEL_ENV_ALLOW value read as the agent reads it; throws on an invalid one. */
export function allowList(text: string): EnvAllowList {
  const result = parseEnvAllowList(text);
  if (!result.ok) throw new Error(result.reason);
  return result.allow;
}
