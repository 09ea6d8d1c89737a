import { readdir } from "node:fs/promises";
import { relative } from "node:path";
import {
  attributeFailures,
  checkDestination,
  compareNotifications,
  expectedNotifications,
  type FaultWindow,
  type LogLine,
  memoryTrend,
  notRecovered,
  overlongRuns,
  pairRuns,
  type ReceivedHook,
  runSeconds,
  stuckRuns,
  tallyWebhooks,
} from "./checks.js";
import type { FaultRecord } from "./faults.js";
import type { RssWatch } from "./memory.js";
import type { SoakMinio } from "./minio.js";
import type { Assertion, SoakFigures } from "./report.js";
import { FILLER_NAME, type SmallDisk } from "./tmpfs.js";

/** Everything the soak recorded, for the verdicts. */
export interface SoakRun {
  lines: LogLine[];
  /** Date.now() of `agent.started` and of the SIGTERM. */
  startedAt: number;
  termAt: number;
  agentDiedEarly: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null; seconds: number };
  faults: FaultRecord[];
  targets: string[];
  rss: RssWatch;
  hooks: ReceivedHook[];
  refused: number;
  disk: SmallDisk;
  minio: SoakMinio;
  limits: { backupTimeoutSeconds: number; shutdownGraceSeconds: number };
}

/** How long after a fault's end a failure is still its doing: a run queued behind it, a server still warming. */
const FAULT_SLACK_MS = 5000;
/** Memory is compared after the first backups of every kind have loaded their code. */
const WARM_UP_MS = 60_000;
const list = (items: readonly string[], max = 5) =>
  items.length === 0
    ? "none"
    : `${items.slice(0, max).join(", ")}${items.length > max ? ` and ${items.length - max} more` : ""}`;

async function localFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== FILLER_NAME)
    .map((e) => relative(dir, `${e.parentPath}/${e.name}`));
}

/**
 * Unfinished multipart uploads, named by ListMultipartUploads and counted on MinIO's disk
 * (after a restart its listing without a prefix shows only uploads begun since, so each
 * key the agent failed to upload, taken from its error, and each it logged it could not
 * abort is also listed by name).
 */
async function unfinishedUploads(run: SoakRun) {
  const { server, bucket } = run.minio;
  const logged = new Set(
    run.lines
      .filter((l) => String(l.msg ?? "").startsWith("could not abort the unfinished multipart upload"))
      .map((l) => String(l.key)),
  );
  const failedKeys = new Set<string>();
  const pattern = new RegExp(`s3://${bucket}/(\\S+?):`);
  for (const line of run.lines) {
    if (line.event !== "backup.failed" || typeof line.container !== "string") continue;
    const key = pattern.exec(String(line.error ?? ""))?.[1];
    if (key) failedKeys.add(key);
  }
  const byId = new Map<string, string>();
  for (const prefix of new Set(["", ...logged, ...failedKeys])) {
    for (const upload of await server.listUploads(bucket, prefix)) byId.set(upload.uploadId, upload.key);
  }
  const onDisk = await run.minio.uploadsOnDisk();
  const named = [...byId.values()];
  const unaccounted = named.filter((key) => !logged.has(key)).length + Math.max(0, onDisk - named.length);
  return { listed: named.length, onDisk, loggedByAgent: logged.size, unaccounted, named };
}

export async function verdicts(run: SoakRun): Promise<{ figures: SoakFigures; assertions: Assertion[] }> {
  const timed = run.lines.map((line) => ({ line, at: run.termAt }));
  const pairing = pairRuns(timed);
  const { runs } = pairing;
  const stuck = stuckRuns(runs);
  const limitSeconds = run.limits.backupTimeoutSeconds + 30;
  const overlong = overlongRuns(runs, limitSeconds);

  const shutdown: FaultWindow = {
    id: 0,
    kind: "shutdown",
    start: run.termAt,
    end: run.termAt + run.exit.seconds * 1000,
    containers: "all",
  };
  const attribution = attributeFailures(runs, [...run.faults, shutdown], FAULT_SLACK_MS);
  const failedByFault = new Map([...attribution.byFault].map(([id, list]) => [id, list.length]));

  const tally = tallyWebhooks(run.hooks);
  const mismatches = compareNotifications(expectedNotifications(pairing), tally.counts);

  const runMs = run.termAt - run.startedAt;
  const memoryFrom = run.startedAt + Math.min(WARM_UP_MS, runMs / 4);
  const memory = memoryTrend(run.rss.samples, memoryFrom, run.termAt);

  const local = checkDestination(await localFiles(run.disk.dir));
  const remote = checkDestination(await run.minio.server.listKeys(run.minio.bucket));
  const uploads = await unfinishedUploads(run);

  const lastFaultEnd = Math.max(run.startedAt, ...run.faults.map((f) => f.end));
  const recovered = notRecovered(runs, run.targets, lastFaultEnd);
  const internal = run.lines.filter((l) => l.event === "agent.internal_error");
  const agentProblems = run.faults.filter((f) => f.problem);
  const exitOk = run.exit.code === 0 && run.exit.seconds <= run.limits.shutdownGraceSeconds + 10;
  const exitText = run.exit.code !== null ? `exit ${run.exit.code}` : `killed by ${run.exit.signal}`;

  const figures: SoakFigures = {
    started: runs.length,
    succeeded: runs.filter((r) => r.outcome === "succeeded").length,
    failed: runs.filter((r) => r.outcome === "failed").length,
    skipped: pairing.skipped.length,
    failedByFault,
    unexplained: attribution.unexplained,
    webhookDeliveries: tally.deliveries,
    notifications: tally.distinctIds,
    refusedOnPurpose: run.refused,
    peakRssBytes: run.rss.peakBytes(),
    memory,
    memoryFromSeconds: (memoryFrom - run.startedAt) / 1000,
    local,
    remote,
    uploads: { listed: uploads.listed, onDisk: uploads.onDisk, loggedByAgent: uploads.loggedByAgent },
    shutdown: { exit: exitText, seconds: run.exit.seconds },
  };

  const assertions: Assertion[] = [
    {
      name: "the agent lives through every fault",
      pass: !run.agentDiedEarly,
      detail: run.agentDiedEarly ? `it exited before the SIGTERM (${exitText})` : "it was still running at the end",
    },
    {
      name: "no internal error (uncaught exception, unhandled rejection)",
      pass: internal.length === 0,
      detail:
        internal.length === 0
          ? "none logged"
          : list(
              internal.map((l) => `${l.kind}: ${l.error}`),
              3,
            ),
    },
    {
      name: `SIGTERM: exit 0 within SHUTDOWN_GRACE_SECONDS + 10 s (${run.limits.shutdownGraceSeconds + 10} s)`,
      pass: exitOk,
      detail: `${exitText} after ${run.exit.seconds.toFixed(1)} s`,
    },
    {
      name: "no stuck run: every `backup.started` ends in `backup.succeeded` or `backup.failed`",
      pass: stuck.length === 0 && pairing.unmatchedEnds.length === 0,
      detail:
        stuck.length === 0 && pairing.unmatchedEnds.length === 0
          ? `${runs.length} runs, all ended`
          : `never ended: ${list(stuck.map((r) => `${r.container} started ${((r.startedAt - run.startedAt) / 1000).toFixed(0)} s in`))}; ends without a start: ${pairing.unmatchedEnds.length}`,
    },
    {
      name: `no run longer than BACKUP_TIMEOUT + 30 s (${limitSeconds} s)`,
      pass: overlong.length === 0,
      detail:
        overlong.length === 0
          ? `longest ${Math.max(0, ...runs.filter((r) => r.endedAt).map(runSeconds)).toFixed(1)} s`
          : list(overlong.map((r) => `${r.container}: ${runSeconds(r).toFixed(1)} s (${r.error ?? r.outcome})`)),
    },
    {
      name: "no temp file left on the local disk",
      pass: local.temps.length === 0,
      detail: local.temps.length === 0 ? "none" : list(local.temps),
    },
    {
      name: "no unfinished multipart upload in MinIO that the agent did not report",
      pass: uploads.unaccounted === 0,
      detail: `${uploads.onDisk} on MinIO's disk, ${uploads.listed} named by listing${uploads.named.length > 0 ? ` (${list(uploads.named, 3)})` : ""}; ${uploads.loggedByAgent} of them logged by the agent as "could not abort the unfinished multipart upload" (its next start aborts those once older than 24 h)`,
    },
    {
      name: "every artifact has its manifest and every manifest its artifact",
      pass: [local, remote].every((d) => d.artifactsWithoutManifest.length + d.manifestsWithoutArtifact.length === 0),
      detail: `local ${local.artifacts}/${local.manifests}, MinIO ${remote.artifacts}/${remote.manifests}; without manifest: ${list([...local.artifactsWithoutManifest, ...remote.artifactsWithoutManifest])}; without artifact: ${list([...local.manifestsWithoutArtifact, ...remote.manifestsWithoutArtifact])}`,
    },
    {
      name: "one webhook per finished run and per skipped tick (retries deduplicated by `id`)",
      pass:
        mismatches.length === 0 &&
        tally.duplicates.length === 0 &&
        tally.conflicting.length === 0 &&
        tally.unreadable === 0,
      detail: `${tally.distinctIds} notifications in ${tally.deliveries} deliveries; mismatches: ${list(mismatches.map((m) => `${m.key} logged ${m.logged}, notified ${m.notified}`))}; accepted twice: ${tally.duplicates.length}; id reused for another event: ${tally.conflicting.length}; unreadable: ${tally.unreadable}`,
    },
    {
      name: "flat memory: RSS median of the last fifth at most 25 % over the first fifth",
      pass: memory.pass,
      detail: `${(memory.firstMedian / 1e6).toFixed(0)} MB → ${(memory.lastMedian / 1e6).toFixed(0)} MB (${memory.firstCount} and ${memory.lastCount} samples, every 2 s)${memory.reason ? `; ${memory.reason}` : ""}`,
    },
    {
      name: "every target succeeds again after the last fault",
      pass: recovered.length === 0,
      detail: recovered.length === 0 ? `all ${run.targets.length}` : `no success since: ${list(recovered)}`,
    },
    {
      name: "faults show no agent problem (a hostile tool's run never succeeds, its processes are stopped)",
      pass: agentProblems.length === 0,
      detail: agentProblems.length === 0 ? "none" : list(agentProblems.map((f) => `fault ${f.id}: ${f.problem}`)),
    },
    {
      name: "faults were injected",
      pass: run.faults.length > 0,
      detail: `${run.faults.length}: ${list(
        run.faults.map((f) => f.kind),
        12,
      )}`,
    },
  ];
  return { figures, assertions };
}
