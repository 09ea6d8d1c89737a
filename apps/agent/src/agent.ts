import type { BackupSpec, Dumper, Writer } from "@lb/core";
import { errorMessage, WriteError } from "@lb/core";
import { connectDocker, createDockerRuntime, watchContainerEvents } from "@lb/discovery";
import { builtInDumpers } from "@lb/dumpers";
import { type AgentSettings, secretsOf } from "@lb/labels";
import { createWebhookNotifier } from "@lb/notify";
import { localWriter } from "@lb/writers";
import { BackupRunner } from "./backup/backup-runner.js";
import { Reconciler } from "./discovery/reconciler.js";
import type { AgentLogger } from "./logging/create-logger.js";
import type { SecretSet } from "./logging/secret-set.js";
import { JobTable } from "./schedule/job-table.js";

export interface RunningAgent {
  /** Stops scheduling, lets running backups finish within the grace period, flushes webhooks. */
  stop(): Promise<void>;
}

export interface AgentOptions {
  settings: AgentSettings;
  env: Record<string, string | undefined>;
  logger: AgentLogger;
  secrets: SecretSet;
  shutdownGraceMs?: number;
}

/** Wires discovery, scheduling, backups and notifications together and starts them. */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { settings, logger, secrets } = options;
  secrets.add(...secretsOf(settings));
  const docker = connectDocker(settings.dockerHost);
  const runtime = createDockerRuntime(docker);
  const dumpers = new Map<string, Dumper>(builtInDumpers().map((dumper) => [dumper.engine, dumper]));
  const local = localWriter({ basePath: settings.localBackupPath });
  const writerFor = (spec: BackupSpec): Writer => {
    if (spec.dest === "local") return local;
    throw new WriteError("backup.dest=remote is not available in this build of the agent");
  };
  const notifier = createWebhookNotifier({
    secret: settings.webhook.secret,
    timeoutSeconds: settings.webhook.timeoutSeconds,
    maxRetries: settings.webhook.maxRetries,
    logger,
  });
  const runner = new BackupRunner({
    runtime,
    dumpers,
    writerFor,
    notifier,
    defaultWebhookUrl: settings.webhook.url,
    secrets,
    logger,
  });
  const jobs = new JobTable((spec) => void runner.trigger(spec));
  const reconciler = new Reconciler({
    docker,
    settings,
    env: options.env,
    jobs,
    extraEngines: [...dumpers.keys()],
    logger,
  });

  const events = new AbortController();
  watchContainerEvents(docker, {
    signal: events.signal,
    onEvent: () => reconciler.reconcileSoon(),
    onConnect: () => reconciler.reconcileSoon(),
    onDisconnect: (error, retryInMs) =>
      logger.warn(
        { event: "engine.disconnected", error: error ? errorMessage(error) : undefined, retryInMs },
        "lost the engine's event stream; reconnecting",
      ),
  });
  const reconcileTimer = setInterval(() => void reconciler.reconcile(), settings.reconcileIntervalSeconds * 1000);
  await reconciler.reconcile();
  logger.info(
    {
      event: "agent.started",
      dockerHost: settings.dockerHost ?? "unix:///var/run/docker.sock",
      localBackupPath: settings.localBackupPath,
      engines: [...dumpers.keys()],
    },
    "agent started",
  );

  return {
    async stop() {
      events.abort();
      clearInterval(reconcileTimer);
      reconciler.cancel();
      jobs.stopAll();
      await runner.drain(options.shutdownGraceMs ?? 30_000);
      await notifier.flush(10_000);
      logger.info({ event: "agent.stopped" }, "agent stopped");
    },
  };
}
