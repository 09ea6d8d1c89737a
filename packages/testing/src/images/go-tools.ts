import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { access, chmod, cp, mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { collectChildOutput } from "../fixtures/child-output.js";
import { testCacheDir } from "./cache-dir.js";

/**
 * Static Go executables built from one module version, as the module proxy serves it.
 * The module's own source is built (not through `go install pkg@version`), so modules
 * that want a generated file before they build (FerretDB's version.txt) work.
 */
export interface GoToolSet {
  module: string;
  version: string;
  /** Executable name -> package path inside the module, e.g. `ferretdb: "./cmd/ferretdb"`. */
  binaries: Record<string, string>;
  tags?: string[];
  ldflags?: string;
  /** Files written into the module's source before building: path inside the module -> content. */
  files?: Record<string, string>;
}

const LOCK_STALE_MS = 30 * 60_000;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function findGo(): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder && (await executable(join(folder, "go")))) return join(folder, "go");
  }
  return (await executable("/usr/local/go/bin/go")) ? "/usr/local/go/bin/go" : undefined;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const output = collectChildOutput(child);
    child.on("error", reject);
    child.on("close", (code) => {
      const stdout = output.stdout();
      if (code === 0) resolve(stdout);
      else
        reject(
          Object.assign(new Error(`${command} ${args.slice(0, 4).join(" ")} exited ${code}:\n${output.stderr()}`), {
            stdout,
          }),
        );
    });
  });
}

function setKey(set: GoToolSet): string {
  const hash = createHash("sha256").update(JSON.stringify(set)).digest("hex").slice(0, 12);
  const name = set.module.split("/").pop() ?? "module";
  return `${name}-${set.version}-${hash}`;
}

/** Holds a lock file while `work` runs, so parallel test workers build a set once. */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const info = await stat(path).catch(() => undefined);
      const owner = Number(await readFile(path, "utf8").catch(() => ""));
      const ownerGone = owner > 0 && !processAlive(owner);
      if (!info || ownerGone || Date.now() - info.mtimeMs > LOCK_STALE_MS) {
        await rm(path, { force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Downloaded {
  Version?: string;
  Dir?: string;
  Error?: string;
}

/** The module's source folder in Go's module cache, downloaded through the module proxy. */
async function moduleSource(go: string, set: GoToolSet, env: NodeJS.ProcessEnv): Promise<string> {
  // `go mod download -json` reports a refused version in its JSON and exits 1.
  const output = await run(go, ["mod", "download", "-json", `${set.module}@${set.version}`], { env, cwd: "/" }).catch(
    (error: Error & { stdout?: string }) => error.stdout ?? "{}",
  );
  const found = JSON.parse(output || "{}") as Downloaded;
  if (found.Dir && found.Version === set.version) return found.Dir;
  const proxy = env.GOPROXY || "the Go module proxy";
  throw new Error(
    `${proxy} refused ${set.module}@${set.version}, which the test bed builds: ${found.Error ?? `it resolved to ${found.Version}`}`,
  );
}

async function build(set: GoToolSet, target: string): Promise<void> {
  const go = await findGo();
  if (!go) {
    throw new Error(
      `building ${set.module}@${set.version} needs the Go toolchain: install Go (https://go.dev/dl) or put go on PATH`,
    );
  }
  const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false -mod=mod" };
  const dir = await moduleSource(go, set, env);

  await mkdir(join(target, ".."), { recursive: true });
  const work = await mkdtemp(`${target}.build-`);
  try {
    // The module cache is read-only; build a writable copy so `files` can be added.
    const source = join(work, "src");
    await cp(dir, source, { recursive: true });
    await run("chmod", ["-R", "u+w", source]);
    for (const [path, content] of Object.entries(set.files ?? {})) await writeFile(join(source, path), content);
    const out = join(work, "bin");
    await mkdir(out);
    for (const [name, pkg] of Object.entries(set.binaries)) {
      const args = ["build", "-trimpath", "-o", join(out, name)];
      if (set.tags?.length) args.push("-tags", set.tags.join(","));
      if (set.ldflags) args.push("-ldflags", set.ldflags);
      await run(go, [...args, pkg], { cwd: source, env });
      await chmod(join(out, name), 0o755);
    }
    // Moved into place whole, so a crash never leaves a set that looks complete.
    await rename(out, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const building = new Map<string, Promise<Record<string, string>>>();

/**
 * The executables of `set`, built once and cached under the test cache folder by module,
 * version and build settings. A first build on two cores takes a minute or two per
 * module; later runs find the binaries at once.
 */
export function ensureGoTools(set: GoToolSet): Promise<Record<string, string>> {
  const key = setKey(set);
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      const target = join(testCacheDir(), "go-tools", key);
      const paths = Object.fromEntries(Object.keys(set.binaries).map((name) => [name, join(target, name)]));
      if (existsSync(target)) return paths;
      await mkdir(join(testCacheDir(), "go-tools"), { recursive: true });
      await withLock(`${target}.lock`, async () => {
        if (!existsSync(target)) await build(set, target);
      });
      return paths;
    })();
    building.set(key, pending);
    pending.catch(() => building.delete(key));
  }
  return pending;
}
