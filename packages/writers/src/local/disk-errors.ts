import { errorMessage, WriteError } from "@lb/core";

/** A file-system failure as an operator reads it: what happened, where, and what to do. */
export function describeDiskError(action: string, path: string, error: unknown): WriteError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "ENOSPC"
      ? "the disk is full (no space left on device); free space or lower retention"
      : code === "EDQUOT"
        ? "the disk quota is exhausted"
        : code === "EACCES" || code === "EPERM"
          ? `permission denied; the agent's user (uid ${process.getuid?.() ?? "?"}) needs write access`
          : code === "EROFS"
            ? "the file system is read-only"
            : errorMessage(error);
  return new WriteError(`cannot ${action} ${path}: ${why}`, { cause: error });
}
