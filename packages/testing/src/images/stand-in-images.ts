import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { ensureRootfsTarball, recipeHash, STAND_IN_ROOTFS } from "./debian-rootfs.js";

/** Engines the harness can provide a server image for. */
export type StandInEngine = "postgres";

interface StandInRecipe {
  entrypoint: string;
  dockerfileLines: string[];
}

const STAND_INS: Record<StandInEngine, StandInRecipe> = {
  postgres: {
    entrypoint: "postgres-entrypoint.sh",
    // Debian bookworm ships PostgreSQL 15; the official image puts its bin folder on PATH too.
    dockerfileLines: [
      "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ],
  },
};

const ASSETS = fileURLToPath(new URL("../../assets/stand-ins/", import.meta.url));

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = output?.find((line) => line.error);
      if (error) reject(error);
      else if (failed) reject(new Error(failed.error));
      else resolve();
    });
  });
}

async function ensureBaseImage(docker: Docker): Promise<string> {
  const name = `lb-standin-base:${recipeHash(STAND_IN_ROOTFS)}`;
  if (await imageExists(docker, name)) return name;
  const tarball = await ensureRootfsTarball(STAND_IN_ROOTFS);
  const [repo, tag] = name.split(":") as [string, string];
  await follow(docker, await docker.importImage(createReadStream(tarball), { repo, tag }));
  return name;
}

/**
 * A local image that behaves like the official one for `engine` where the tests depend
 * on it: the dump tools inside, initialised from the same environment variables.
 * Built on a cached Debian root filesystem and named by the hash of what went in, so a
 * second run reuses it.
 */
export async function ensureStandInImage(docker: Docker, engine: StandInEngine): Promise<string> {
  const recipe = STAND_INS[engine];
  const base = await ensureBaseImage(docker);
  const entrypoint = await readFile(join(ASSETS, recipe.entrypoint));
  const dockerfile = [
    `FROM ${base}`,
    ...recipe.dockerfileLines,
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    `CMD ["${engine}"]`,
  ].join("\n");
  const hash = createHash("sha256").update(dockerfile).update(entrypoint).digest("hex").slice(0, 16);
  const name = `lb-standin-${engine}:${hash}`;
  if (await imageExists(docker, name)) return name;

  const context = await mkdtemp(join(tmpdir(), "lb-image-"));
  try {
    await writeFile(join(context, "Dockerfile"), `${dockerfile}\n`);
    await writeFile(join(context, "entrypoint.sh"), entrypoint, { mode: 0o755 });
    const stream = await docker.buildImage({ context, src: ["Dockerfile", "entrypoint.sh"] }, { t: name, rm: true });
    await follow(docker, stream);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return name;
}
