import { errorMessage } from "@lb/core";
import { watchContainerEvents } from "@lb/discovery";
import { secretsOf } from "@lb/labels";
import { createWebhookNotifier } from "@lb/notify";
import type { AgentContext } from "./agent-context.js";
import { BackupRunner } from "./backup/backup-runner.js";
import { Reconciler } from "./discovery/reconciler.js";
import type { AgentLogger } from "./logging/create-logger.js";
import type { SecretSet } from "./logging/secret-set.js";
import { JobTable } from "./schedule/job-table.js";
import { StatusBoard } from "./status/status-board.js";

export interface RunningAgent {
  status: StatusBoard;
  runner: BackupRunner;
  jobs: JobTable;
  /** Stops scheduling, lets running backups finish within the grace period, flushes webhooks. */
  stop(): Promise<void>;
}

export interface AgentOptions {
  context: AgentContext;
  logger: AgentLogger;
  secrets: SecretSet;
}

/** Wires discovery, scheduling, backups and notifications together and starts them. */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { context, logger, secrets } = options;
  const { settings } = context;
  secrets.add(...secretsOf(settings));
  const status = new StatusBoard();
  const notifier = createWebhookNotifier({
    secret: settings.webhook.secret,
    timeoutSeconds: settings.webhook.timeoutSeconds,
    maxRetries: settings.webhook.maxRetries,
    logger,
  });
  const runner = new BackupRunner({
    runtime: context.runtime,
    dumpers: context.dumpers,
    writerFor: (spec) => context.destinations.writerFor(spec),
    notifier,
    defaultWebhookUrl: settings.webhook.url,
    secrets,
    logger,
    status,
    limits: settings.runtime,
  });
  const jobs = new JobTable((spec) => void runner.trigger(spec));
  const reconciler = new Reconciler({
    docker: context.docker,
    settings,
    env: context.env,
    jobs,
    extraEngines: [...context.dumpers.keys()],
    logger,
    onSynced: (specs) => status.syncSpecs(specs),
  });

  const events = new AbortController();
  watchContainerEvents(context.docker, {
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
      engines: [...context.dumpers.keys()],
      maxConcurrentBackups: settings.runtime.maxConcurrentBackups,
    },
    "agent started",
  );

  return {
    status,
    runner,
    jobs,
    async stop() {
      events.abort();
      clearInterval(reconcileTimer);
      reconciler.cancel();
      jobs.stopAll();
      await runner.drain(settings.runtime.shutdownGraceSeconds * 1000);
      await notifier.flush(10_000);
      logger.info({ event: "agent.stopped" }, "agent stopped");
    },
  };
}
