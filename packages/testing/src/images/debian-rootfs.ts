import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { testCacheDir } from "./cache-dir.js";

export interface RootfsRecipe {
  release: string;
  packages: string[];
}

/** The one Debian root filesystem every stand-in image is built on. */
export const STAND_IN_ROOTFS: RootfsRecipe = {
  release: "bookworm",
  packages: ["postgresql", "mariadb-server", "mariadb-client", "redis-server", "procps", "sqlite3"],
};

export function recipeHash(recipe: RootfsRecipe): string {
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 16);
}

/**
 * A tarball of a minimal Debian with `recipe.packages`, built with debootstrap once and
 * cached by the recipe's content, so later runs import it in seconds.
 */
export async function ensureRootfsTarball(recipe: RootfsRecipe = STAND_IN_ROOTFS): Promise<string> {
  const cache = testCacheDir();
  const tarball = join(cache, `rootfs-${recipe.release}-${recipeHash(recipe)}.tar`);
  if (existsSync(tarball)) return tarball;
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(cache, "build-"));
  try {
    const rootfs = join(work, "rootfs");
    const mirror = process.env.LB_DEBIAN_MIRROR || "http://deb.debian.org/debian";
    await run("debootstrap", [
      "--variant=minbase",
      `--include=${recipe.packages.join(",")}`,
      recipe.release,
      rootfs,
      mirror,
    ]);
    // What an image does not need: package caches and documentation.
    for (const path of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"]) {
      await rm(join(rootfs, path), { recursive: true, force: true });
    }
    const partial = join(work, "rootfs.tar");
    await run("tar", ["-C", rootfs, "-cf", partial, "."]);
    // Renamed into place whole, so a crash never leaves a cache entry that looks complete.
    await rename(partial, tarball);
    return tarball;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on("error", (error) =>
      reject(new Error(`${command} could not start (${error.message}); scripts/install-test-deps.sh installs it`)),
    );
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.slice(0, 3).join(" ")} exited ${code}:\n${stderr}`));
    });
  });
}
