import { randomBytes } from "node:crypto";
import { ensureStandInImage, type TestContainer, wrapContainer } from "@lb/testing";
import type { testEngine } from "@lb/testing/vitest";

type Docker = ReturnType<typeof testEngine>["docker"];

/** A long-running container with an anonymous volume at /data, the usual target of volume backups. */
export async function startFilesContainer(docker: Docker): Promise<TestContainer> {
  const name = `lb-test-files-${randomBytes(4).toString("hex")}`;
  const container = await docker.createContainer({
    name,
    Image: await ensureStandInImage(docker, "mariadb"),
    Cmd: ["sleep", "infinity"],
    Volumes: { "/data": {} },
    HostConfig: { NetworkMode: "none", Init: true },
  });
  await container.start();
  return wrapContainer(docker, container.id, name);
}

/** Runs `script` with sh in the container; its trimmed stdout, or an error with its stderr. */
export async function shell(container: TestContainer, script: string): Promise<string> {
  const result = await container.exec(["sh", "-c", script]);
  if (result.exitCode !== 0) throw new Error(`script failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout.trim();
}
