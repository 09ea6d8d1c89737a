import { quote } from "./quote.js";

/**
 * The operator's `LABEL_ENV_ALLOW`: the environment variables a `${NAME}` reference in a
 * label may read. Labels are written by whoever can start a container, so without this
 * list they read nothing; the operator's list is honoured as written.
 */
export interface EnvAllowList {
  /** Exact variable names. */
  readonly names: readonly string[];
  /** Name prefixes, from entries written `PREFIX*`. */
  readonly prefixes: readonly string[];
}

/** Unset or empty `LABEL_ENV_ALLOW`: labels may not read the agent's environment at all. */
export const NO_ENV_ALLOWED: EnvAllowList = Object.freeze({ names: [], prefixes: [] });

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type EnvAllowListResult = { ok: true; allow: EnvAllowList } | { ok: false; reason: string };

/**
 * Reads `LABEL_ENV_ALLOW`: comma-separated names, `PREFIX*` for every name that starts
 * with PREFIX, whitespace around entries ignored. A bare `*` is refused: it would let any
 * container read the agent's own secrets (S3 key, API token), the hole this list closes.
 */
export function parseEnvAllowList(text: string | undefined): EnvAllowListResult {
  const names: string[] = [];
  const prefixes: string[] = [];
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    if (entry === "*") {
      return {
        ok: false,
        reason:
          "must not be a bare *: it would let any container's labels read every variable, the agent's own secrets included; list names or prefixes such as DB_*",
      };
    }
    const isPrefix = entry.endsWith("*");
    const name = isPrefix ? entry.slice(0, -1) : entry;
    if (!NAME.test(name)) {
      return {
        ok: false,
        reason: `${quote(entry)} is not a variable name (letters, digits and _) or a prefix ending in * such as DB_*`,
      };
    }
    (isPrefix ? prefixes : names).push(name);
  }
  return { ok: true, allow: names.length + prefixes.length === 0 ? NO_ENV_ALLOWED : { names, prefixes } };
}

/** Whether labels may read the variable. */
export function isEnvAllowed(allow: EnvAllowList, name: string): boolean {
  return allow.names.includes(name) || allow.prefixes.some((prefix) => name.startsWith(prefix));
}

/** Whether the list allows nothing, so that a refusal can say why. */
export function allowsNothing(allow: EnvAllowList): boolean {
  return allow.names.length === 0 && allow.prefixes.length === 0;
}
