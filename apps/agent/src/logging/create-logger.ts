import type { LogLevel } from "@lb/labels";
import { type LogFn, pino } from "pino";
import type { SecretSet } from "./secret-set.js";

/**
 * JSON lines on stdout. The arguments of every call pass through the secret set before
 * pino serializes them, so a password that slips into any field, nested value, error or
 * message is masked, and every line stays well-formed JSON whatever the secrets are.
 * Child-logger bindings are serialized once, when the child is made, and are not masked:
 * bind names and ids only.
 */
export function createLogger(level: LogLevel, secrets: SecretSet, out: NodeJS.WritableStream = process.stdout) {
  return pino(
    {
      level,
      base: { name: "label-backup" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are already `{ type, message, stack }` once masked; pino's own err serializer
      // would take that object for an error again and call its type "Object".
      serializers: { err: (masked: unknown) => masked },
      hooks: {
        logMethod(args, method) {
          let masked: unknown[];
          try {
            masked = secrets.redactLogArguments(args);
          } catch {
            // A value that cannot be read (a throwing getter) is not logged rather than logged unmasked.
            masked = [
              { event: "log.unreadable" },
              "a log line was dropped: its values could not be read to mask secrets",
            ];
          }
          method.apply(this, masked as Parameters<LogFn>);
        },
      },
    },
    { write: (line: string) => out.write(line) },
  );
}

export type AgentLogger = ReturnType<typeof createLogger>;
