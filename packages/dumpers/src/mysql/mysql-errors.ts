import { DumpError } from "@lb/core";

/**
 * What to do about a login the client could not complete because the server's user
 * authenticates with MySQL 8's `caching_sha2_password` (the default since MySQL 8.0)
 * and the client is MariaDB's, or has no secure channel for the full exchange.
 */
export function authPluginHint(stderr: string): string | undefined {
  const sha2 = /caching_sha2_password/i.test(stderr);
  const cannotLoad = /(cannot|could not) be loaded|cannot open shared object/i.test(stderr);
  const needsSecure = /requires secure connection/i.test(stderr);
  if (!(sha2 && cannotLoad) && !needsSecure) return undefined;
  return (
    "the client could not complete MySQL 8's caching_sha2_password login; dump with the MySQL " +
    "container's own mysqldump (exec mode, no host in backup.conn), connect over TLS, or give " +
    "the backup user mysql_native_password on MySQL 8.0 (ALTER USER ... IDENTIFIED WITH mysql_native_password BY ...)"
  );
}

/** The same failure with a hint appended, when one applies. */
export function withAuthHint(error: unknown): unknown {
  if (!DumpError.isInstance(error)) return error;
  const hint = authPluginHint(`${error.message}\n${error.stderr}`);
  if (!hint) return error;
  return new DumpError(`${error.message} (${hint})`, {
    stderr: error.stderr,
    exitCode: error.exitCode,
    cause: error,
  });
}
