import type { BackupSpec } from "@lb/core";
import { type ScheduledJob, scheduleJob } from "./schedule-job.js";

interface Entry {
  spec: BackupSpec;
  fingerprint: string;
  job: ScheduledJob;
}

export interface SyncChanges {
  added: BackupSpec[];
  updated: BackupSpec[];
  removed: BackupSpec[];
}

/**
 * One scheduled job per target identity. `sync` makes the table match the wanted
 * specs: new targets get a job, changed ones are rescheduled, missing ones stop.
 */
export class JobTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onFire: (spec: BackupSpec) => void) {}

  sync(wanted: BackupSpec[]): SyncChanges {
    const changes: SyncChanges = { added: [], updated: [], removed: [] };
    const seen = new Set<string>();
    for (const spec of wanted) {
      seen.add(spec.identity);
      const fingerprint = JSON.stringify(spec);
      const current = this.entries.get(spec.identity);
      if (current?.fingerprint === fingerprint) continue;
      current?.job.stop();
      const job = scheduleJob(spec.schedule, () => this.onFire(this.entries.get(spec.identity)?.spec ?? spec));
      this.entries.set(spec.identity, { spec, fingerprint, job });
      (current ? changes.updated : changes.added).push(spec);
    }
    for (const [identity, entry] of this.entries) {
      if (seen.has(identity)) continue;
      entry.job.stop();
      this.entries.delete(identity);
      changes.removed.push(entry.spec);
    }
    return changes;
  }

  specs(): BackupSpec[] {
    return [...this.entries.values()].map((entry) => entry.spec);
  }

  stopAll(): void {
    for (const entry of this.entries.values()) entry.job.stop();
    this.entries.clear();
  }
}
