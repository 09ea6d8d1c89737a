import { parseArgs } from "node:util";
import { ConfigError, errorMessage } from "@lb/core";
import { secretsOf } from "@lb/labels";
import { createAgentContext } from "./agent-context.js";
import { runAgentCommand } from "./commands/agent-command.js";
import { backupCommand } from "./commands/backup-command.js";
import { checkContainers, formatCheckReport } from "./commands/check.js";
import { gcCommand } from "./commands/gc-command.js";
import { listCommand } from "./commands/list-command.js";
import { loadSettingsOrExplain } from "./commands/load-settings.js";
import { restoreCommand } from "./commands/restore-command.js";
import { verifyCommand } from "./commands/verify-command.js";
import { versionCommand } from "./commands/version-command.js";
import { createLogger } from "./logging/create-logger.js";
import { logInternalErrors } from "./logging/internal-errors.js";
import { SecretSet } from "./logging/secret-set.js";

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3, refused: 4 } as const;

const HELP: Record<string, string> = {
  main: `Usage: label-backup [command] [options]

Commands:
  agent                 Watch the Docker engine and back up labelled containers (default)
  backup <container>    Back up one container now, showing progress
  check [--json]        Show what the agent makes of every container's backup.* labels
  list [container]      List the backups this agent wrote
  verify [KEY]          Re-read backups and check them against their manifests
  restore <container>   Restore the newest backup (or --artifact KEY) into the container
  gc [--dry-run]        Prune old backups once by each target's retention policy
  version [--json]      Print the version, and those of the client tools beside it
  help                  Show this help; "label-backup <command> --help" for one command

Configuration comes from the environment; see the README for every variable.
Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid configuration,
4 restore refused because the target holds data.`,
  agent: `Usage: label-backup agent

Watches the engine named by DOCKER_HOST and runs each labelled container's backups on
its schedule until SIGTERM or SIGINT, then lets running backups finish within
SHUTDOWN_GRACE_SECONDS.`,
  backup: `Usage: label-backup backup <container>

Backs up one labelled container now (by container name or target name), through the
same pipeline as a scheduled run, and sends its webhook. Progress goes to stderr.
Exits 0 when the backup was committed, 1 otherwise.`,
  check: `Usage: label-backup check [--json]

For every running container with backup.* labels: the parsed schedule, the next three
run times, retention, destination and prefix, or the errors, label by label.
Exits 1 when any container has an error.

  --json   print one JSON document: {"containers":[{"name","ok","errors","spec"}]}`,
  list: `Usage: label-backup list [container] [--json]

Lists the backups this agent wrote (those with a manifest), oldest first, on every
configured destination; with a container, only its target's.`,
  verify: `Usage: label-backup verify [KEY]

Re-reads one backup, or all of them, and checks size and sha256 against the manifest
and that the compressed stream decompresses whole. Exits 1 when any check fails.`,
  restore: `Usage: label-backup restore <container> [--artifact KEY] [--into CONTAINER] [--force] [--no-verify]

Restores the newest backup of the container's target, or the one named by --artifact,
into the container, or into --into CONTAINER. Refuses (exit 4) to overwrite a database
that holds data unless --force. First checks the backup's size and sha256 against its
manifest and refuses (exit 1) one that does not match; --no-verify skips that check.`,
  gc: `Usage: label-backup gc [--dry-run]

Prunes every destination once by each target's backup.retention and backup.keep-*
labels (or, for containers that are gone, the policy in their manifests), and prints
every decision with its reason. --dry-run (or GC_DRY_RUN=true) deletes nothing.`,
  version: `Usage: label-backup version [--json]

Prints the agent's version, Node's, and the version and path of each database client
tool installed beside the agent (pg_dump, mariadb-dump, mysqldump, redis-cli), or
"not installed". MongoDB needs none: its client mode is built in.`,
};

function usage(message: string): number {
  process.stderr.write(`label-backup: ${message}\n\n${HELP.main}\n`);
  return EXIT.usage;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        json: { type: "boolean" },
        "dry-run": { type: "boolean" },
        force: { type: "boolean" },
        artifact: { type: "string" },
        into: { type: "string" },
        "no-verify": { type: "boolean" },
      },
    });
  } catch (error) {
    return usage(errorMessage(error));
  }
  const { positionals, values } = parsed;
  const command = positionals[0] ?? (values.version ? "version" : "agent");
  const argument = positionals[1];
  if (command === "help" || (values.help && !positionals[0])) {
    process.stdout.write(`${HELP.main}\n`);
    return EXIT.ok;
  }
  if (!(command in HELP)) return usage(`unknown command "${command}"`);
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return EXIT.ok;
  }
  if (command === "version") return versionCommand(values.json === true, env);
  if ((command === "backup" || command === "restore") && !argument) return usage(`${command} needs a container name`);

  const loaded = loadSettingsOrExplain(env);
  if (!loaded.ok) {
    process.stderr.write(`label-backup: ${loaded.message}\n`);
    return EXIT.config;
  }
  const settings = loaded.settings;
  const secrets = new SecretSet();
  secrets.add(...secretsOf(settings));
  // Commands other than the agent log to stderr, keeping stdout for their output. Made
  // before the destinations, so that what the S3 writer logs is not lost.
  const logger = createLogger(
    command === "agent" ? settings.logLevel : "warn",
    secrets,
    command === "agent" ? process.stdout : process.stderr,
  );
  let context: Awaited<ReturnType<typeof createAgentContext>>;
  try {
    context = await createAgentContext(settings, env, logger);
  } catch (error) {
    process.stderr.write(
      `label-backup: ${ConfigError.isInstance(error) ? "invalid configuration: " : ""}${errorMessage(error)}\n`,
    );
    return ConfigError.isInstance(error) ? EXIT.config : EXIT.failure;
  }

  switch (command) {
    case "check": {
      const report = await checkContainers(context);
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
      return report.containers.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
    }
    case "backup":
      return backupCommand(context, argument!, logger, secrets);
    case "list":
      return listCommand(context, argument, values.json === true);
    case "verify":
      return verifyCommand(context, argument);
    case "restore":
      return restoreCommand(
        context,
        argument!,
        {
          artifact: values.artifact as string | undefined,
          into: values.into as string | undefined,
          force: values.force === true,
          verify: values["no-verify"] !== true,
        },
        logger,
      );
    case "gc":
      return gcCommand(context, values["dry-run"] === true || settings.gcDryRun, logger);
    default:
      logInternalErrors(logger);
      await runAgentCommand(context, logger, secrets);
      return EXIT.ok;
  }
}
