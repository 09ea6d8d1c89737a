import type { Logger } from "@lb/core";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  msg: string;
}

export interface RecordingLogger extends Logger {
  entries: LogEntry[];
  /** Every entry as one JSON line, the way a real logger would print it. */
  text(): string;
}

/** A Logger that keeps everything, child bindings included, for assertions. */
export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogEntry["level"]) =>
      (obj: object, msg = "") => {
        entries.push({ level, fields: { ...bindings, ...obj }, msg });
      };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), {
    entries,
    text: () =>
      entries.map((entry) => JSON.stringify({ ...entry.fields, level: entry.level, msg: entry.msg })).join("\n"),
  });
}
