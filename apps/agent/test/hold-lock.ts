import { PassThrough } from "node:stream";
import { createDockerRuntime } from "@lb/discovery";
import type Docker from "dockerode";

/**
 * Holds an ACCESS EXCLUSIVE lock on `table` from a psql session inside the container,
 * so a pg_dump started meanwhile waits and produces no bytes: a hung dump, for real.
 */
export async function holdTableLock(
  docker: Docker,
  containerId: string,
  user: string,
  database: string,
  table: string,
): Promise<() => Promise<void>> {
  const stdin = new PassThrough();
  const proc = await createDockerRuntime(docker).exec(containerId, {
    cmd: ["psql", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", database],
    stdin,
  });
  proc.stdout.resume();
  proc.stderr.resume();
  stdin.write(`begin; lock table ${table} in access exclusive mode; select 'locked';\n`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return async () => {
    stdin.end("rollback;\n");
    await proc.exitCode;
  };
}
