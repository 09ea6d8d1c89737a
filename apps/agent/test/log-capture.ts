import { Writable } from "node:stream";
import type { LogLevel } from "@lb/labels";
import { createLogger } from "../src/logging/create-logger.js";
import { SecretSet } from "../src/logging/secret-set.js";

/** The agent's logger writing into memory, masking `secrets`: its raw lines, and them parsed. */
export function captureLog(level: LogLevel, ...secrets: string[]) {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const set = new SecretSet();
  set.add(...secrets);
  const logger = createLogger(level, set, out);
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed, secrets: set };
}
