import { readdir } from "node:fs/promises";
import { DumpError } from "@lb/core";
import { spawnLocal } from "../shared/local-process.js";
import { collectOutput } from "../shared/run-command.js";

export interface PostgresClient {
  major: number;
  /** Folder holding pg_dump, psql and pg_restore of that version. */
  bin: string;
}

/** Client tool folders installed on the agent's side, Debian's layout first. */
export async function findPostgresClients(root = "/usr/lib/postgresql"): Promise<PostgresClient[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const clients = entries
    .filter((name) => /^\d+$/.test(name))
    .map((name) => ({ major: Number(name), bin: `${root}/${name}/bin` }));
  return clients.sort((a, b) => a.major - b.major);
}

/**
 * The client for a server: the oldest installed one that is not older than the server
 * (pg_dump refuses servers newer than itself). Fails naming both versions when none fits,
 * the most common reason backups stop in this field.
 */
export function chooseClient(clients: PostgresClient[], serverMajor: number): PostgresClient {
  const fit = clients.find((client) => client.major >= serverMajor);
  if (fit) return fit;
  const newest = clients.at(-1);
  throw new DumpError(
    newest
      ? `pg_dump ${newest.major} is older than the PostgreSQL ${serverMajor} server and cannot dump it; install postgresql-client-${serverMajor} beside the agent, or use backup.mode=exec`
      : `no PostgreSQL client tools are installed beside the agent; install postgresql-client-${serverMajor}, or use backup.mode=exec`,
  );
}

/** The server's major version, asked with the newest installed psql. */
export async function serverMajorVersion(
  clients: PostgresClient[],
  env: Record<string, string>,
  database: string,
): Promise<number> {
  const newest = clients.at(-1);
  if (!newest) throw new DumpError("no PostgreSQL client tools are installed beside the agent");
  const proc = await spawnLocal(
    [`${newest.bin}/psql`, "--no-password", "-X", "-At", `--dbname=${database}`, "-c", "show server_version_num"],
    { env },
  );
  const result = await collectOutput(proc);
  const number = Number(result.stdout.trim());
  if (result.exitCode !== 0 || !Number.isFinite(number) || number === 0) {
    throw new DumpError(`cannot ask the server its version: ${result.stderr.trim().split("\n").at(-1) ?? ""}`, {
      exitCode: result.exitCode,
      stderr: result.stderr,
    });
  }
  return Math.floor(number / 10_000);
}
