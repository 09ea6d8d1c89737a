import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { ensureBaseImage, followProgress, imageExists } from "./base-image.js";
import { STAND_IN_RECIPES, type StandInEngine } from "./recipes/index.js";

export type { StandInEngine };

/**
 * A local image that behaves like the official one for `engine` where the tests depend
 * on it: the dump tools inside, initialised from the same environment variables.
 * Built on a cached Debian root filesystem and named by the hash of what went in, so a
 * second run reuses it.
 */
export async function ensureStandInImage(docker: Docker, engine: StandInEngine): Promise<string> {
  const recipe = STAND_IN_RECIPES[engine];
  const base = await ensureBaseImage(docker);
  const files = await recipe.files();
  const dockerfile = [`FROM ${base}`, ...recipe.dockerfileLines].join("\n");
  const hash = createHash("sha256").update(dockerfile);
  for (const [name, path] of Object.entries(files).sort()) hash.update(name).update(await readFile(path));
  const name = `lb-standin-${engine}:${hash.digest("hex").slice(0, 16)}`;
  if (await imageExists(docker, name)) return name;

  const context = await mkdtemp(join(tmpdir(), "lb-image-"));
  try {
    await writeFile(join(context, "Dockerfile"), `${dockerfile}\n`);
    for (const [file, path] of Object.entries(files)) await copyFile(path, join(context, file));
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", ...Object.keys(files)] },
      { t: name, rm: true },
    );
    await followProgress(docker, stream);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return name;
}
