import type { LogLevel } from "@lb/labels";
import { pino } from "pino";
import type { SecretSet } from "./secret-set.js";

/**
 * JSON lines on stdout. Every line passes through the secret set on its way out, so a
 * password that slips into any field or message is masked before it is written.
 */
export function createLogger(level: LogLevel, secrets: SecretSet, out: NodeJS.WritableStream = process.stdout) {
  const destination = { write: (line: string) => out.write(secrets.redact(line)) };
  return pino({ level, base: { name: "label-backup" }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type AgentLogger = ReturnType<typeof createLogger>;
