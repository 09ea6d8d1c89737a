import type { BackupSpec, Logger, Writer } from "@lb/core";
import { WriteError } from "@lb/core";
import type { AgentSettings } from "@lb/labels";
import { localWriter, type S3Writer, s3Writer } from "@lb/writers";

export interface Destinations {
  local: Writer;
  remote: S3Writer | undefined;
  writerFor(spec: Pick<BackupSpec, "dest">): Writer;
  /** Every configured destination, for listing, verifying and pruning. */
  all(): Writer[];
}

export function createDestinations(settings: AgentSettings, logger?: Logger): Destinations {
  const local = localWriter({
    basePath: settings.localBackupPath,
    minFreeBytes: settings.runtime.localMinFreeBytes,
  });
  const remote = settings.s3 ? s3Writer(settings.s3, { logger }) : undefined;
  return {
    local,
    remote,
    writerFor(spec) {
      if (spec.dest === "local") return local;
      if (!remote) throw new WriteError("backup.dest=remote needs BUCKET_NAME and the S3 settings");
      return remote;
    },
    all: () => (remote ? [local, remote] : [local]),
  };
}
