// Recognised across duplicate installs of @lb/core: instanceof fails there, the marker does not.
const MARKER = Symbol.for("@lb/core/LabelBackupError");

export type ErrorKind = "config" | "dump" | "restore" | "write" | "runtime" | "notify" | "aborted";

export class LabelBackupError extends Error {
  readonly [MARKER] = true;
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }

  static isInstance(error: unknown): error is LabelBackupError {
    return typeof error === "object" && error !== null && MARKER in error;
  }
}

function isKind(error: unknown, kind: ErrorKind): boolean {
  return LabelBackupError.isInstance(error) && error.kind === kind;
}

/** Bad labels or environment: names the setting and the reason. */
export class ConfigError extends LabelBackupError {
  readonly setting: string;
  readonly reason: string;

  constructor(setting: string, reason: string) {
    super("config", `${setting}: ${reason}`);
    this.setting = setting;
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return isKind(error, "config");
  }
}

/** The dump tool failed, or its output was incomplete. */
export class DumpError extends LabelBackupError {
  /** A bounded, redacted excerpt of the tool's stderr. */
  readonly stderr: string;
  readonly exitCode: number | undefined;

  constructor(message: string, details: { stderr?: string; exitCode?: number; cause?: unknown } = {}) {
    super("dump", message, { cause: details.cause });
    this.stderr = details.stderr ?? "";
    this.exitCode = details.exitCode;
  }

  static override isInstance(error: unknown): error is DumpError {
    return isKind(error, "dump");
  }
}

/** A restore was refused (the target holds data and `force` was not given) or failed. */
export class RestoreError extends LabelBackupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("restore", message, options);
  }

  static override isInstance(error: unknown): error is RestoreError {
    return isKind(error, "restore");
  }
}

/** The destination did not commit. */
export class WriteError extends LabelBackupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("write", message, options);
  }

  static override isInstance(error: unknown): error is WriteError {
    return isKind(error, "write");
  }
}

/** The container engine did not do what was asked. */
export class RuntimeError extends LabelBackupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("runtime", message, options);
  }

  static override isInstance(error: unknown): error is RuntimeError {
    return isKind(error, "runtime");
  }
}

/** A run was stopped on purpose (timeout, shutdown, stall). */
export class AbortedError extends LabelBackupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("aborted", message, options);
  }

  static override isInstance(error: unknown): error is AbortedError {
    return isKind(error, "aborted");
  }
}

/** A message for people from anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
