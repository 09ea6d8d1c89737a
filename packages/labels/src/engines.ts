import { quote } from "./quote.js";

/** The `backup.type` values served by the built-in dumpers. */
export const BUILTIN_ENGINES = ["postgres", "mysql", "mongodb", "redis", "volume"] as const;
export type BuiltinEngine = (typeof BUILTIN_ENGINES)[number];

/** Other spellings users write; each maps to the engine that serves it. */
export const ENGINE_ALIASES: Readonly<Record<string, BuiltinEngine>> = {
  postgresql: "postgres",
  mariadb: "mysql",
};

/** The `backup.conn` schemes each engine accepts. */
export const SCHEMES_BY_ENGINE: Readonly<Record<BuiltinEngine, readonly string[]>> = {
  postgres: ["postgres", "postgresql"],
  mysql: ["mysql"],
  mongodb: ["mongodb", "mongodb+srv"],
  redis: ["redis", "rediss"],
  volume: [],
};

export function isBuiltinEngine(name: string): name is BuiltinEngine {
  return (BUILTIN_ENGINES as readonly string[]).includes(name);
}

export type EngineResult = { ok: true; engine: string; builtin: boolean } | { ok: false; reason: string };

/** `backup.type` to an engine name: built-in, alias, or one of `extraEngines`. Case-insensitive. */
export function resolveEngine(text: string, extraEngines: readonly string[] = []): EngineResult {
  const name = text.trim().toLowerCase();
  if (name === "") return { ok: false, reason: `is required; use one of ${BUILTIN_ENGINES.join(", ")}` };
  if (isBuiltinEngine(name)) return { ok: true, engine: name, builtin: true };
  const alias = ENGINE_ALIASES[name];
  if (alias) return { ok: true, engine: alias, builtin: true };
  const extra = extraEngines.find((engine) => engine.toLowerCase() === name);
  if (extra) return { ok: true, engine: extra, builtin: false };
  const known = [...BUILTIN_ENGINES, ...Object.keys(ENGINE_ALIASES), ...extraEngines];
  return { ok: false, reason: `${quote(text.trim())} is not a known type; use one of ${known.join(", ")}` };
}
