import type { AddressInfo } from "node:net";
import { errorMessage } from "@lb/core";
import { watchContainerEvents } from "@lb/discovery";
import { parseSchedule, secretsOf } from "@lb/labels";
import { removeStaleTempFiles } from "@lb/writers";
import type { AgentContext } from "./agent-context.js";
import type { BackupRunner } from "./backup/backup-runner.js";
import { createRunner } from "./backup/create-runner.js";
import { Reconciler } from "./discovery/reconciler.js";
import { scheduleGc } from "./gc/gc-schedule.js";
import { startHttpServer } from "./http/http-server.js";
import { createMetrics } from "./http/metrics.js";
import type { AgentLogger } from "./logging/create-logger.js";
import type { SecretSet } from "./logging/secret-set.js";
import { JobTable } from "./schedule/job-table.js";
import type { StatusBoard } from "./status/status-board.js";
import { agentVersion } from "./version.js";

export interface RunningAgent {
  status: StatusBoard;
  runner: BackupRunner;
  jobs: JobTable;
  /** Where the HTTP server listens, when it is on. */
  httpAddress: AddressInfo | undefined;
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
  const { runner, status, notifier } = createRunner(context, logger, secrets);
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
  // Temp files of a run that was killed (a crash, kill -9) are not backups; a file
  // still being written is kept fresh by its writer, so only quiet ones go.
  const quietFor = Math.max(3600, 2 * settings.runtime.backupStallTimeoutSeconds) * 1000;
  removeStaleTempFiles(settings.localBackupPath, new Date(Date.now() - quietFor))
    .then((paths) => {
      if (paths.length)
        logger.warn({ event: "local.stale_temp_removed", paths }, "removed temp files of interrupted runs");
    })
    .catch(() => {});
  const remote = context.destinations.remote;
  if (remote) {
    // Uploads this agent left unfinished (a crash mid-backup) still cost storage; uploads
    // younger than a run could take may belong to another agent on the same bucket.
    const olderThan = new Date(Date.now() - Math.max(86_400, 2 * settings.runtime.backupTimeoutSeconds) * 1000);
    remote
      .abortStaleUploads("", olderThan)
      .then((keys) => {
        if (keys.length) logger.warn({ event: "s3.stale_uploads_aborted", keys }, "aborted unfinished uploads");
      })
      .catch((error: unknown) =>
        logger.warn(
          { event: "s3.stale_uploads_failed", error: errorMessage(error) },
          "cannot check for unfinished uploads",
        ),
      );
  }
  const reconcileTimer = setInterval(() => void reconciler.reconcile(), settings.reconcileIntervalSeconds * 1000);
  await reconciler.reconcile();

  const gcSchedule = parseSchedule(settings.runtime.gcCron, settings.timezone);
  const gc = gcSchedule.ok
    ? scheduleGc({
        schedule: gcSchedule.schedule,
        timezone: settings.timezone,
        dryRun: settings.gcDryRun,
        writers: () => context.destinations.all(),
        specs: () => jobs.specs(),
        logger,
        notifier,
        webhookUrl: settings.webhook.url,
      })
    : undefined;

  const server =
    settings.runtime.httpPort > 0
      ? await startHttpServer(settings.runtime.httpHost, settings.runtime.httpPort, {
          status,
          runner,
          metrics: createMetrics(status, runner),
          readiness: async () => {
            await context.docker.ping().catch((error: unknown) => {
              throw new Error(`the engine does not answer: ${errorMessage(error)}`);
            });
            const used = new Set(jobs.specs().map((spec) => context.destinations.writerFor(spec)));
            for (const writer of used.size > 0 ? used : [context.destinations.local]) await writer.probe();
          },
          apiToken: settings.runtime.apiToken,
          version: agentVersion(),
          logger,
        })
      : undefined;
  logger.info(
    {
      event: "agent.started",
      dockerHost: settings.dockerHost ?? "unix:///var/run/docker.sock",
      localBackupPath: settings.localBackupPath,
      engines: [...context.dumpers.keys()],
      maxConcurrentBackups: settings.runtime.maxConcurrentBackups,
      http: server ? server.address() : "off",
    },
    "agent started",
  );

  return {
    status,
    runner,
    jobs,
    httpAddress: server ? (server.address() as AddressInfo) : undefined,
    async stop() {
      events.abort();
      clearInterval(reconcileTimer);
      reconciler.cancel();
      jobs.stopAll();
      gc?.stop();
      await runner.drain(settings.runtime.shutdownGraceSeconds * 1000);
      await notifier.flush(10_000);
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      logger.info({ event: "agent.stopped" }, "agent stopped");
    },
  };
}
