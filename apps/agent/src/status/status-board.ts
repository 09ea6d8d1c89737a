import type { BackupSpec } from "@lb/core";

export interface RunResult {
  success: boolean;
  finishedAt: Date;
  durationSeconds: number;
  bytes: number;
  key?: string;
  error?: string;
}

export interface TargetStatus {
  spec: BackupSpec;
  state: "idle" | "queued" | "running";
  /** Bytes of raw dump read so far in the current run. */
  progressBytes: number;
  lastResult?: RunResult;
  lastSuccess?: RunResult;
  runs: { succeeded: number; failed: number; overlapped: number };
}

/** What the agent knows about each target, for the HTTP API, metrics and the status page. */
export class StatusBoard {
  private readonly targets = new Map<string, TargetStatus>();

  /** Keeps history for targets that stay; forgets targets that are gone and idle. */
  syncSpecs(specs: BackupSpec[]): void {
    const wanted = new Set(specs.map((spec) => spec.identity));
    for (const [identity, status] of this.targets) {
      if (!wanted.has(identity) && status.state === "idle") this.targets.delete(identity);
    }
    for (const spec of specs) this.entry(spec).spec = spec;
  }

  entry(spec: BackupSpec): TargetStatus {
    let status = this.targets.get(spec.identity);
    if (!status) {
      status = { spec, state: "idle", progressBytes: 0, runs: { succeeded: 0, failed: 0, overlapped: 0 } };
      this.targets.set(spec.identity, status);
    }
    return status;
  }

  get(identity: string): TargetStatus | undefined {
    return this.targets.get(identity);
  }

  all(): TargetStatus[] {
    return [...this.targets.values()].sort((a, b) => a.spec.identity.localeCompare(b.spec.identity));
  }

  record(spec: BackupSpec, result: RunResult): void {
    const status = this.entry(spec);
    status.lastResult = result;
    if (result.success) {
      status.lastSuccess = result;
      status.runs.succeeded++;
    } else status.runs.failed++;
  }
}
