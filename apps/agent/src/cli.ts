import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { builtInDumpers } from "@lb/dumpers";
import { runAgentCommand } from "./commands/agent-command.js";
import { checkContainers, formatCheckReport } from "./commands/check.js";
import { loadSettingsOrExplain } from "./commands/load-settings.js";

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3 } as const;

const HELP: Record<string, string> = {
  main: `Usage: label-backup [command] [options]

Commands:
  agent      Watch the Docker engine and back up labelled containers (default)
  check      Show what the agent makes of every container's backup.* labels
  version    Print the version
  help       Show this help; "label-backup <command> --help" for one command

Configuration comes from the environment; see the README for every variable.
Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid configuration.`,
  agent: `Usage: label-backup agent

Watches the engine named by DOCKER_HOST and runs each labelled container's backups on
its schedule until SIGTERM or SIGINT.`,
  check: `Usage: label-backup check [--json]

For every running container with backup.* labels: the parsed schedule, the next three
run times, retention, destination and prefix, or the errors, label by label.
Exits 1 when any container has an error.

  --json   print one JSON document: {"containers":[{"name","ok","errors","spec"}]}`,
  version: "Usage: label-backup version",
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      json: { type: "boolean" },
    },
  });
  const command = positionals[0] ?? (values.version ? "version" : "agent");
  if (command === "help" || (values.help && !positionals[0])) {
    process.stdout.write(`${HELP.main}\n`);
    return EXIT.ok;
  }
  if (!(command in HELP)) {
    process.stderr.write(`label-backup: unknown command "${command}"\n\n${HELP.main}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return EXIT.ok;
  }
  if (command === "version") {
    process.stdout.write(`label-backup ${version()}\n`);
    return EXIT.ok;
  }

  const loaded = loadSettingsOrExplain(env);
  if (!loaded.ok) {
    process.stderr.write(`label-backup: ${loaded.message}\n`);
    return EXIT.config;
  }
  if (command === "check") {
    const engines = builtInDumpers().map((dumper) => dumper.engine);
    const report = await checkContainers(loaded.settings, env, engines);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
    return report.containers.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
  }
  await runAgentCommand(loaded.settings, env);
  return EXIT.ok;
}
