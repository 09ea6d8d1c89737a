import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Dumper } from "@lb/core";
import { ConfigError, DUMPER_CONTRACT_VERSION, errorMessage } from "@lb/core";
import { builtInDumpers } from "@lb/dumpers";

function isDumper(value: unknown): value is Dumper {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Dumper>;
  return (
    typeof candidate.engine === "string" &&
    typeof candidate.dump === "function" &&
    typeof candidate.restore === "function" &&
    typeof candidate.contractVersion === "number"
  );
}

/** Where a plugin is looked for: the working folder's node_modules, then the agent's own. */
function resolvePlugin(name: string): string {
  for (const base of [join(process.cwd(), "noop.js"), import.meta.url]) {
    try {
      return createRequire(base).resolve(name);
    } catch {
      // try the next place
    }
  }
  throw new ConfigError("LB_PLUGINS", `cannot find package ${name}; install it beside the agent`);
}

/**
 * Loads a dumper package: its default export, or an export named `dumper`, is a Dumper
 * or a function returning one.
 */
export async function loadPluginDumper(name: string): Promise<Dumper> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolvePlugin(name)).href)) as Record<string, unknown>;
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
    throw new ConfigError("LB_PLUGINS", `cannot load ${name}: ${errorMessage(error)}`);
  }
  for (const exported of [module.default, module.dumper]) {
    const value = typeof exported === "function" ? await (exported as () => unknown)() : exported;
    if (!isDumper(value)) continue;
    if (value.contractVersion > DUMPER_CONTRACT_VERSION) {
      throw new ConfigError(
        "LB_PLUGINS",
        `${name} implements dumper contract ${value.contractVersion}; this agent knows ${DUMPER_CONTRACT_VERSION}`,
      );
    }
    return value;
  }
  throw new ConfigError(
    "LB_PLUGINS",
    `${name} exports no dumper (a default export or "dumper" with engine, dump, restore)`,
  );
}

/** The built-in dumpers plus those named in LB_PLUGINS, by engine; a plugin may not replace a built-in. */
export async function loadDumpers(plugins: string[]): Promise<Map<string, Dumper>> {
  const dumpers = new Map(builtInDumpers().map((dumper) => [dumper.engine, dumper]));
  for (const name of plugins) {
    const dumper = await loadPluginDumper(name);
    if (dumpers.has(dumper.engine)) {
      throw new ConfigError("LB_PLUGINS", `${name} serves backup.type "${dumper.engine}", which is already served`);
    }
    dumpers.set(dumper.engine, dumper);
  }
  return dumpers;
}
