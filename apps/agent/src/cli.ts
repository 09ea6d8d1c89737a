import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, errorMessage } from "@lb/core";
import { loadAgentSettings } from "@lb/labels";
import { startAgent } from "./agent.js";
import { createLogger } from "./logging/create-logger.js";
import { SecretSet } from "./logging/secret-set.js";

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3 } as const;

const USAGE = `Usage: label-backup [command]

Commands:
  agent      Watch the Docker engine and back up labelled containers (default)
  version    Print the version
  help       Show this help

Configuration comes from the environment; see the README for every variable.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function runAgent(): Promise<number> {
  const secrets = new SecretSet();
  let settings: ReturnType<typeof loadAgentSettings>;
  try {
    settings = loadAgentSettings(process.env);
  } catch (error) {
    const message = ConfigError.isInstance(error) ? `invalid configuration: ${error.message}` : errorMessage(error);
    process.stderr.write(`label-backup: ${message}\n`);
    return EXIT.config;
  }
  const logger = createLogger(settings.logLevel, secrets);
  const agent = await startAgent({ settings, env: process.env, logger, secrets });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ event: "agent.stopping", signal }, "stopping");
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await agent.stop();
  return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
  });
  const command = values.help ? "help" : values.version ? "version" : (positionals[0] ?? "agent");
  switch (command) {
    case "agent":
      return runAgent();
    case "version":
      process.stdout.write(`label-backup ${version()}\n`);
      return EXIT.ok;
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    default:
      process.stderr.write(`label-backup: unknown command "${command}"\n\n${USAGE}\n`);
      return EXIT.usage;
  }
}
