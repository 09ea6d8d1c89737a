import { createHash, randomBytes } from "node:crypto";
import { chmod, chown, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ensureCachedImage,
  ensureNodeBaseImage,
  freePort,
  nodeBaseImageName,
  type PostgresServer,
  startPostgresServer,
  type TestContainer,
  wrapContainer,
} from "@lb/testing";
import { testEngine } from "@lb/testing/vitest";
import type Docker from "dockerode";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckReport } from "../src/commands/check.js";
import { parseVersionLine, type VersionReport } from "../src/commands/version-command.js";

// The repository's Dockerfile, built on a local stand-in of node:24-bookworm-slim (the
// registry cannot be reached here), then run as the agent against the test engine.

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const BUILD_TIMEOUT_MS = 30 * 60_000;

// ---------------------------------------------------------------------------------------
// The build context, as `docker build` would send it: every file .dockerignore keeps.

interface IgnoreRule {
  exception: boolean;
  pattern: RegExp;
  /** The glob up to its first wildcard: no path outside it can match. */
  literal: string;
}

/** Docker's .dockerignore rules: globs with `*`, `?` and `**`, `!` exceptions, last match wins. */
function dockerignoreRules(text: string): IgnoreRule[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const exception = line.startsWith("!");
      const glob = posix
        .normalize((exception ? line.slice(1) : line).trim())
        .replace(/^\/+/, "")
        .replace(/\/+$/, "");
      let source = "";
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i]!;
        if (glob.startsWith("**/", i)) {
          source += "(?:.*/)?";
          i += 2;
        } else if (glob.startsWith("**", i)) {
          source += ".*";
          i += 1;
        } else if (c === "*") source += "[^/]*";
        else if (c === "?") source += "[^/]";
        else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
      }
      const wildcard = [...glob].findIndex((c) => c === "*" || c === "?");
      return { exception, pattern: new RegExp(`^${source}$`), literal: wildcard < 0 ? glob : glob.slice(0, wildcard) };
    });
}

/** A path is excluded when the last rule matching it, or one of its parent folders, excludes it. */
function isExcluded(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let excluded = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.pattern.test(prefix))) excluded = !rule.exception;
  }
  return excluded;
}

async function buildContextFiles(root: string): Promise<string[]> {
  const rules = dockerignoreRules(await readFile(join(root, ".dockerignore"), "utf8"));
  // An excluded folder is skipped whole (node_modules is large) unless an exception could
  // bring back something in it: one whose fixed start lies inside it or above it.
  const exceptions = rules.filter((rule) => rule.exception).map((rule) => rule.literal);
  const skip = (folder: string) =>
    isExcluded(rules, folder) &&
    !exceptions.some((literal) => literal.startsWith(`${folder}/`) || `${folder}/`.startsWith(literal));
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(join(root, folder), { withFileTypes: true })) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip(path)) await walk(path);
      } else if (entry.isFile() && !isExcluded(rules, path)) files.push(path);
    }
  };
  await walk("");
  // The engine always receives these two, as the docker CLI sends them.
  for (const always of ["Dockerfile", ".dockerignore"]) if (!files.includes(always)) files.push(always);
  return files.sort();
}

/** Certificate authorities added to this machine, for a build behind a TLS-inspecting proxy. */
async function extraCaCerts(): Promise<string> {
  if (process.env.LB_BUILD_CA_CERTS) return readFile(process.env.LB_BUILD_CA_CERTS, "utf8");
  const folder = "/usr/local/share/ca-certificates";
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith(".crt")).sort();
  const pems = await Promise.all(names.map((name) => readFile(join(folder, name), "utf8")));
  return pems.join("\n").trim();
}

interface BuiltImage {
  name: string;
  source: "engine" | "cache" | "built";
  seconds: number;
}

/**
 * The agent image, named by a hash of its build context and build arguments: built once,
 * then reused from the engine or from the test cache (a `docker save` tarball).
 */
async function ensureAgentImage(docker: Docker): Promise<BuiltImage> {
  const started = Date.now();
  const files = await buildContextFiles(REPO);
  const agentPackage = JSON.parse(await readFile(join(REPO, "apps/agent/package.json"), "utf8")) as {
    version: string;
  };
  const buildargs = {
    BASE_IMAGE: nodeBaseImageName(),
    VERSION: agentPackage.version,
    EXTRA_CA_CERTS: await extraCaCerts(),
  };
  const hash = createHash("sha256").update(JSON.stringify(buildargs));
  for (const file of files) {
    const info = await stat(join(REPO, file));
    hash.update(`${file}\0${info.mode & 0o111 ? "x" : "-"}\0`).update(await readFile(join(REPO, file)));
  }
  const name = `lb-agent-image:${hash.digest("hex").slice(0, 16)}`;
  const source = await ensureCachedImage(docker, name, async () => {
    await ensureNodeBaseImage(docker);
    const output: string[] = [];
    const stream = await docker.buildImage(
      { context: REPO, src: files },
      // The test engine has no bridge: the build reaches the npm registry and Debian's
      // mirror through the host's network.
      { t: name, buildargs, networkmode: "host", rm: true, forcerm: true },
    );
    const failure = await new Promise<string | undefined>((resolve) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, events: Array<{ error?: string }>) =>
          resolve(error?.message ?? events.find((event) => event.error)?.error),
        (event: { stream?: string }) => {
          if (event.stream) output.push(...event.stream.split("\n").filter(Boolean));
        },
      );
    });
    if (failure) throw new Error(`docker build failed: ${failure}\n${output.slice(-60).join("\n")}`);
  });
  return { name, source, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------
// Containers run from the image.

/** Splits the engine's multiplexed log or attach stream into stdout and stderr. */
function demultiplex(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    (buffer[offset] === 2 ? err : out).push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

async function containerLogs(docker: Docker, id: string): Promise<{ stdout: string; stderr: string }> {
  const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false })) as Buffer;
  return demultiplex(raw);
}

interface OneShot {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `docker run --rm` of the image with a command, on no network. */
async function runImage(
  docker: Docker,
  image: string,
  options: { cmd: string[]; env?: string[]; binds?: string[]; groupAdd?: string[]; entrypoint?: string[] },
): Promise<OneShot> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: options.cmd,
    Entrypoint: options.entrypoint,
    Env: options.env ?? [],
    HostConfig: { NetworkMode: "none", Binds: options.binds ?? [], GroupAdd: options.groupAdd ?? [] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return { exitCode: StatusCode, ...(await containerLogs(docker, container.id)) };
  } finally {
    await container.remove({ force: true });
  }
}

/** How a container reaches the test engine: its socket mounted at the default path, with the socket's group. */
async function engineAccess(dockerHost: string): Promise<{ socket: string; gid: number }> {
  if (!dockerHost.startsWith("unix://"))
    throw new Error(`the image test mounts the engine socket; ${dockerHost} is not one`);
  const socket = dockerHost.slice("unix://".length);
  const info = await stat(socket);
  // Docker creates its socket 0660: the group may use it, so --group-add is all uid 1000 needs.
  if ((info.mode & 0o060) !== 0o060) {
    throw new Error(`${socket} is not readable and writable by its group (mode ${(info.mode & 0o777).toString(8)})`);
  }
  return { socket, gid: info.gid };
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

// ---------------------------------------------------------------------------------------
// examples/docker-compose.yml, read without a YAML library.
//
// The compose file keeps to a small part of YAML: block mappings and block lists nested
// by indentation, one-line scalars (plain, 'single' or "double" quoted), one-line flow
// lists of scalars, and comments. Reading that takes a few dozen lines; anything outside
// it (anchors, aliases, tags, multi-line values, flow mappings) is refused with the line
// number, so an edit that leaves the subset fails this test instead of being misread.

type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface YamlLine {
  number: number;
  indent: number;
  text: string;
}

/** The line without a trailing comment; a # inside quotes or a word is kept. */
function stripComment(text: string): string {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || text[i - 1] === " ")) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

function parseScalar(text: string, line: number): string | null {
  const fail = (why: string) => new Error(`examples/docker-compose.yml line ${line}: ${why}`);
  if (text === "" || text === "~" || text === "null") return null;
  const first = text[0]!;
  if (first === '"') {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const c = text[i]!;
      if (c === "\\") {
        const next = text[++i];
        if (next !== '"' && next !== "\\") throw fail(`the escape \\${next} is outside the subset this test reads`);
        value += next;
      } else if (c === '"') {
        if (i !== text.length - 1) throw fail("text after a closing quote");
        return value;
      } else value += c;
    }
    throw fail("a double-quoted value does not end on its line");
  }
  if (first === "'") {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const c = text[i]!;
      if (c === "'" && text[i + 1] === "'") {
        value += "'";
        i++;
      } else if (c === "'") {
        if (i !== text.length - 1) throw fail("text after a closing quote");
        return value;
      } else value += c;
    }
    throw fail("a single-quoted value does not end on its line");
  }
  if ("&*!|>{%@`".includes(first)) throw fail(`a value starting with ${first} is outside the subset this test reads`);
  return text;
}

/** `[a, "b", 'c']` on one line. */
function parseFlowList(text: string, line: number): string[] {
  const items: string[] = [];
  let current = "";
  let quote = "";
  for (const c of text.slice(1, -1)) {
    if (quote) {
      current += c;
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ",") {
      items.push(current.trim());
      current = "";
    } else if (c === "[" || c === "{") {
      throw new Error(`examples/docker-compose.yml line ${line}: nested flow collections are outside the subset`);
    } else current += c;
  }
  if (current.trim()) items.push(current.trim());
  return items.map((item) => parseScalar(item, line) ?? "");
}

function parseValue(text: string, line: number): YamlValue {
  if (text.startsWith("[") && text.endsWith("]")) return parseFlowList(text, line);
  return parseScalar(text, line);
}

/** The colon that ends a mapping key: outside quotes, followed by a space or the line's end. */
function keyColon(text: string): number {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ":" && (i === text.length - 1 || text[i + 1] === " ")) return i;
  }
  return -1;
}

function parseBlock(lines: YamlLine[], start: number, indent: number): { value: YamlValue; next: number } {
  const first = lines[start];
  if (!first || first.indent < indent) return { value: null, next: start };
  const isList = first.text === "-" || first.text.startsWith("- ");
  const list: YamlValue[] = [];
  const map: Record<string, YamlValue> = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === first.indent) {
    const { number, text } = lines[i]!;
    if (isList) {
      if (!(text === "-" || text.startsWith("- "))) throw new Error(`line ${number}: a mapping key inside a list`);
      const item = text.slice(1).trim();
      if (item === "" || keyColon(item) >= 0) {
        throw new Error(`examples/docker-compose.yml line ${number}: lists of mappings are outside the subset`);
      }
      list.push(parseValue(item, number));
      i++;
      continue;
    }
    const colon = keyColon(text);
    if (colon < 0) throw new Error(`examples/docker-compose.yml line ${number}: expected "key: value"`);
    const key = parseScalar(text.slice(0, colon).trim(), number) ?? "";
    if (Object.hasOwn(map, key)) throw new Error(`examples/docker-compose.yml line ${number}: ${key} appears twice`);
    const rest = text.slice(colon + 1).trim();
    i++;
    if (rest !== "") map[key] = parseValue(rest, number);
    else {
      const nested = lines[i] && lines[i]!.indent > first.indent ? parseBlock(lines, i, lines[i]!.indent) : undefined;
      map[key] = nested?.value ?? null;
      i = nested?.next ?? i;
    }
  }
  if (i < lines.length && lines[i]!.indent > first.indent) {
    throw new Error(`examples/docker-compose.yml line ${lines[i]!.number}: unexpected indentation`);
  }
  return { value: isList ? list : map, next: i };
}

function readComposeYaml(text: string): Record<string, YamlValue> {
  const lines: YamlLine[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.includes("\t"))
      throw new Error(`examples/docker-compose.yml line ${index + 1}: tabs are not YAML indentation`);
    const content = stripComment(raw);
    if (content.trim() === "") return;
    const indent = content.length - content.trimStart().length;
    lines.push({ number: index + 1, indent, text: content.trim() });
  });
  const { value, next } = parseBlock(lines, 0, 0);
  if (next !== lines.length) throw new Error(`examples/docker-compose.yml line ${lines[next]!.number}: not read`);
  return value as Record<string, YamlValue>;
}

function isAlphanumeric(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9");
}

/** Compose's interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`. */
function interpolate(text: string, variables: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "$") {
      out += text[i];
      continue;
    }
    if (text[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    if (text[i + 1] !== "{") throw new Error(`compose value ${JSON.stringify(text)}: write $$ for a literal $`);
    const close = text.indexOf("}", i);
    if (close < 0) throw new Error(`compose value ${JSON.stringify(text)}: \${ without its }`);
    const body = text.slice(i + 2, close);
    i = close;
    // NAME, then nothing or one of the operators :- - :? ? and its argument.
    let end = 0;
    while (end < body.length && (body[end] === "_" || isAlphanumeric(body[end]!))) end++;
    const name = body.slice(0, end);
    const colon = body[end] === ":";
    const op = body[end + (colon ? 1 : 0)];
    const argument = body.slice(end + (colon ? 2 : 1));
    const value = variables[name];
    const unset = value === undefined || (colon && value === "");
    if (end < body.length && op !== "-" && op !== "?")
      throw new Error(`compose value ${JSON.stringify(text)}: unknown form`);
    if (op === "?" && unset) throw new Error(`compose needs ${name}: ${argument}`);
    out += op === "-" && unset ? argument : (value ?? "");
  }
  return out;
}

function asMap(value: YamlValue | undefined, what: string): Record<string, YamlValue> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

function asStrings(value: YamlValue | undefined, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new Error(`${what} is not a list`);
  return value as string[];
}

/** `environment:` or `labels:` as compose accepts them: a mapping, or a list of KEY=value. */
function keyValues(value: YamlValue | undefined, variables: Record<string, string>): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries = Array.isArray(value)
    ? asStrings(value, "a list of KEY=value").map((item) => {
        const eq = item.indexOf("=");
        return [item.slice(0, eq), item.slice(eq + 1)] as const;
      })
    : Object.entries(asMap(value, "a mapping")).map(([key, v]) => [key, typeof v === "string" ? v : ""] as const);
  return Object.fromEntries(entries.map(([key, v]) => [key, interpolate(v, variables)]));
}

/**
 * Setup for a group of tests whose failure fails each of them: vitest reports the tests
 * after a failing beforeAll as skipped, and an image that cannot be built must not read
 * as "skipped" in the closing count.
 */
function setUp(work: () => Promise<void>, timeoutMs: number): void {
  let failure: unknown;
  beforeAll(async () => {
    try {
      await work();
    } catch (error) {
      failure = error;
    }
  }, timeoutMs);
  beforeEach(() => {
    if (failure) throw failure;
  });
}

// ---------------------------------------------------------------------------------------

describe("the container image", () => {
  let docker: Docker;
  let dockerHost: string;
  let image: BuiltImage;
  let access: { socket: string; gid: number };

  setUp(async () => {
    ({ docker, dockerHost } = testEngine());
    access = await engineAccess(dockerHost);
    image = await ensureAgentImage(docker);
    const size = (await docker.getImage(image.name).inspect()).Size;
    // Shown in the test output: how long the image took this time, and how large it is.
    console.info(
      `${image.name}: ${image.source === "built" ? "built" : `reused from the ${image.source}`} in ${image.seconds.toFixed(1)} s, ${(size / 1e6).toFixed(0)} MB`,
    );
  }, BUILD_TIMEOUT_MS);

  describe("as built", () => {
    it("runs as uid 1000 behind tini, exposes 8080, checks /healthz, and carries OCI labels", async () => {
      const { Config: config } = await docker.getImage(image.name).inspect();
      expect(config.User).toBe("1000:1000");
      expect(config.Entrypoint).toEqual(["/usr/bin/tini", "--", "node", "/app/bin/label-backup.js"]);
      expect(config.Cmd).toEqual(["agent"]);
      expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["8080/tcp"]);
      const health = (config as { Healthcheck?: { Test?: string[] } }).Healthcheck;
      expect(health?.Test?.[0]).toBe("CMD");
      expect(health?.Test?.join(" ")).toContain("/healthz");
      expect(config.Labels).toMatchObject({
        "org.opencontainers.image.title": "Label Backup",
        "org.opencontainers.image.licenses": "MIT",
        "org.opencontainers.image.version": JSON.parse(await readFile(join(REPO, "apps/agent/package.json"), "utf8"))
          .version,
        "org.opencontainers.image.base.name": nodeBaseImageName(),
      });
    });

    it("prints the agent's version and the client tools beside it", async () => {
      const text = await runImage(docker, image.name, { cmd: ["version"] });
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toMatch(/^label-backup \d+\.\d+\.\d+\nnode 24\./);
      expect(text.stdout).toMatch(/redis-cli\s+7\.0\./);

      const json = await runImage(docker, image.name, { cmd: ["version", "--json"] });
      expect(json.exitCode).toBe(0);
      const report = JSON.parse(json.stdout) as VersionReport;
      expect(report.node).toMatch(/^24\./);
      const tool = (name: string) => report.tools.find((t) => t.tool === name);
      // Debian bookworm's packages: PostgreSQL 15, MariaDB 10.11, Redis 7.0.
      expect(tool("pg_dump")).toMatchObject({
        version: expect.stringMatching(/^15\./),
        path: "/usr/lib/postgresql/15/bin/pg_dump",
      });
      expect(tool("mariadb-dump")?.version).toMatch(/^10\.11\./);
      expect(tool("mysqldump")?.version).toMatch(/^10\.11\./);
      expect(tool("redis-cli")?.version).toMatch(/^7\.0\./);
      expect(report.tools.map((t) => t.tool)).toEqual(["pg_dump", "mariadb-dump", "mysqldump", "redis-cli"]);
    });

    it("holds production dependencies only", async () => {
      const listing = await runImage(docker, image.name, {
        entrypoint: ["sh", "-c"],
        cmd: ["ls /app/node_modules/.pnpm && ls /app/node_modules/@lb"],
      });
      expect(listing.exitCode).toBe(0);
      const packages = listing.stdout.split("\n");
      for (const dev of [
        "vitest@",
        "typescript@",
        "@biomejs+",
        "turbo@",
        "playwright-core@",
        "fast-check@",
        "@lb+testing",
      ]) {
        expect(packages.filter((p) => p.startsWith(dev))).toEqual([]);
      }
      expect(packages).toEqual(expect.arrayContaining(["dockerode@5.0.1", "core", "dumpers", "writers"]));
    });

    it("lets uid 1000 write to a fresh named volume at /backups", async () => {
      const volume = `lb-image-backups-${process.pid}-${randomBytes(3).toString("hex")}`;
      try {
        const probe = await runImage(docker, image.name, {
          entrypoint: ["sh", "-c"],
          cmd: ["touch /backups/probe && id -u && id -G"],
          binds: [`${volume}:/backups`],
        });
        expect(probe.stderr).toBe("");
        expect(probe.stdout.split("\n")[0]).toBe("1000");
      } finally {
        await docker
          .getVolume(volume)
          .remove()
          .catch(() => {});
      }
    });
  });

  describe("running as the agent", () => {
    const tag = `${process.pid}-${randomBytes(3).toString("hex")}`;
    let source: PostgresServer;
    let clientSource: PostgresServer;
    let restoreTarget: PostgresServer;
    let agent: TestContainer;
    let backups: string;
    let httpPort: number;
    const checksum = "select count(*) || ':' || md5(string_agg(id || ':' || note, ',' order by id)) from notes";

    const agentLog = async () => (await containerLogs(docker, agent.id)).stdout;

    setUp(async () => {
      if (!image) return; // the image's own failure is reported
      backups = await mkdtemp(join(tmpdir(), "lb-image-backups-"));
      // The agent writes as uid 1000, as an operator's `chown 1000 ./backups` allows.
      if (process.getuid?.() === 0) await chown(backups, 1000, 1000);
      else await chmod(backups, 0o777);

      const labels = (cron: string) => ({
        "backup.enabled": "true",
        "backup.type": "postgres",
        "backup.cron": cron,
        "backup.database": "appdb",
        "backup.prefix": "image-test",
      });
      [source, restoreTarget] = await Promise.all([
        startPostgresServer(docker, { name: `lb-image-source-${tag}`, labels: labels("*/4 * * * * *") }),
        startPostgresServer(docker, { name: `lb-image-restore-${tag}` }),
      ]);
      // Client mode: the agent's own pg_dump connects over the network; the password is
      // in the agent's environment, referenced from the label.
      clientSource = await startPostgresServer(docker, {
        name: `lb-image-client-${tag}`,
        labels: ({ port }) => ({
          ...labels("0 0 1 1 *"),
          "backup.mode": "client",
          "backup.prefix": "image-test-client",
          "backup.conn": `postgresql://app:$\{LB_IMAGE_TEST_PG_PASSWORD}@127.0.0.1:${port}/appdb`,
        }),
      });
      const rows =
        "create table notes (id int primary key, note text); insert into notes select g, md5(g::text) from generate_series(1, 2000) g;";
      await Promise.all([source.sql(rows), clientSource.sql(rows)]);

      httpPort = await freePort();
      const created = await docker.createContainer({
        name: `lb-image-agent-${tag}`,
        Image: image.name,
        Env: [
          `HTTP_PORT=${httpPort}`,
          // On the host's network: listen on loopback only.
          "HTTP_HOST=127.0.0.1",
          "LOG_LEVEL=debug",
          "RECONCILE_INTERVAL_SECONDS=2",
          `LB_IMAGE_TEST_PG_PASSWORD=${clientSource.password}`,
          "LABEL_ENV_ALLOW=LB_IMAGE_TEST_*",
        ],
        // The engine runs the image's own check command; only its period is shortened, so
        // the test need not wait the image's 30 s for the first verdict.
        Healthcheck: { Interval: 2_000_000_000 },
        HostConfig: {
          NetworkMode: "host",
          Binds: [`${access.socket}:/var/run/docker.sock`, `${backups}:/backups`],
          GroupAdd: [String(access.gid)],
        },
      });
      await created.start();
      agent = wrapContainer(docker, created.id, `lb-image-agent-${tag}`);
    }, 10 * 60_000);

    afterAll(async () => {
      if (agent) {
        const logs = await containerLogs(docker, agent.id).catch(() => ({ stdout: "", stderr: "" }));
        if (logs.stderr) console.info(`agent stderr:\n${logs.stderr}`);
      }
      await Promise.all([
        agent?.remove(),
        source?.container.remove(),
        clientSource?.container.remove(),
        restoreTarget?.container.remove(),
      ]);
      if (backups) await rm(backups, { recursive: true, force: true });
    });

    it("runs every process as uid 1000, with tini as PID 1", async () => {
      const top = (await docker.getContainer(agent.id).top({ ps_args: "-o uid,pid,args" })) as {
        Titles: string[];
        Processes: string[][];
      };
      const uidColumn = top.Titles.indexOf("UID");
      expect(top.Processes.length).toBeGreaterThanOrEqual(2);
      expect(top.Processes.map((p) => p[uidColumn])).toEqual(top.Processes.map(() => "1000"));
      expect(top.Processes[0]!.join(" ")).toContain("/usr/bin/tini -- node /app/bin/label-backup.js agent");
      const id = await agent.exec(["id", "-u"]);
      expect(id.stdout.trim()).toBe("1000");
    });

    it("answers /healthz on HTTP_PORT, and the image's HEALTHCHECK command agrees", async () => {
      const response = await waitFor("/healthz", 30_000, () =>
        fetch(`http://127.0.0.1:${httpPort}/healthz`).then(
          (r) => r,
          () => undefined,
        ),
      );
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok\n");

      const test = (await docker.getImage(image.name).inspect()).Config as { Healthcheck?: { Test?: string[] } };
      const command = test.Healthcheck!.Test!.slice(1);
      expect((await agent.exec(command)).exitCode).toBe(0);
      // It does check: on a port nothing listens on, it fails.
      expect((await agent.exec(command, { env: [`HTTP_PORT=${await freePort()}`] })).exitCode).toBe(1);
    });

    it("backs up on the label's schedule into the mounted folder, through the engine socket", async () => {
      const done = await waitFor("a backup.succeeded line", 120_000, async () =>
        // Other tests' labelled containers on the same engine may be backed up too.
        jsonLines(await agentLog()).find(
          (l) => l.event === "backup.succeeded" && String(l.key).startsWith("image-test/"),
        ),
      );
      const key = String(done.key);
      expect(key).toMatch(/^image-test\/postgres-appdb-\d{8}T\d{9}Z-[0-9a-f]{6}\.sql\.gz$/);
      const stored = await stat(join(backups, key));
      expect(stored.uid).toBe(1000);
      const manifest = JSON.parse(await readFile(join(backups, `${key}.manifest.json`), "utf8"));
      expect(manifest).toMatchObject({ artifactKey: key, engine: "postgres", database: "appdb" });
    });

    it("restores the newest backup into a fresh server with `label-backup restore` run inside the image", async () => {
      const restored = await agent.exec([
        "label-backup",
        "restore",
        source.container.name,
        "--into",
        restoreTarget.container.name,
      ]);
      expect(restored.stderr).not.toContain(source.password);
      expect(restored.exitCode, restored.stderr).toBe(0);
      expect(await restoreTarget.sql(checksum)).toBe(await source.sql(checksum));
      expect(await restoreTarget.sql("select count(*) from notes")).toBe("2000");
    });

    it("dumps over the network with its own pg_dump in client mode", async () => {
      const serverMajor = Math.floor(Number(await clientSource.sql("show server_version_num")) / 10_000);
      const result = await agent.exec(["label-backup", "backup", clientSource.container.name]);
      expect(result.stderr).not.toContain(clientSource.password);
      if (serverMajor > 15) {
        // The official image is newer than bookworm's client: the error says so and stores nothing.
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toContain(`pg_dump 15 is older than the PostgreSQL ${serverMajor} server`);
        return;
      }
      expect(result.exitCode, result.stderr).toBe(0);
      const [artifact] = (await readdir(join(backups, "image-test-client"))).filter((f) => f.endsWith(".sql.gz"));
      const manifest = JSON.parse(
        await readFile(join(backups, "image-test-client", `${artifact}.manifest.json`), "utf8"),
      );
      expect(manifest.toolVersion).toMatch(/^15\./);
    });

    it("becomes healthy in the engine's eyes, and stops with exit code 0 on docker stop", async () => {
      const status = await waitFor("the engine's health status", 90_000, async () => {
        const health = (await docker.getContainer(agent.id).inspect()).State.Health?.Status;
        return health === "healthy" || health === "unhealthy" ? health : undefined;
      });
      expect(status).toBe("healthy");
      await docker.getContainer(agent.id).stop({ t: 30 });
      const state = (await docker.getContainer(agent.id).inspect()).State;
      expect(state.ExitCode).toBe(0);
      const events = jsonLines(await agentLog()).map((l) => l.event);
      expect(events).toContain("agent.stopping");
      expect(events).toContain("agent.stopped");
    });
  });

  describe("examples/docker-compose.yml", () => {
    const project = `lb-compose-${process.pid}-${randomBytes(3).toString("hex")}`;
    const started: string[] = [];
    let compose: Record<string, YamlValue>;
    let services: Record<string, YamlValue>;
    let variables: Record<string, string>;

    setUp(async () => {
      compose = readComposeYaml(await readFile(join(REPO, "examples/docker-compose.yml"), "utf8"));
      services = asMap(compose.services, "services");
      // What an operator exports before `docker compose up`; passwords keep their defaults.
      variables = { DOCKER_GID: String(access?.gid) };
    }, 60_000);

    afterAll(async () => {
      await Promise.all(
        started.map((id) =>
          docker
            .getContainer(id)
            .remove({ force: true, v: true })
            .catch(() => {}),
        ),
      );
    });

    it("reads as the subset of YAML it promises, with the services the example describes", () => {
      expect(Object.keys(services).sort()).toEqual(["app-config", "label-backup", "minio", "mysql", "postgres"]);
      const agentService = asMap(services["label-backup"], "label-backup");
      expect(asStrings(agentService.volumes, "volumes")).toContain("/var/run/docker.sock:/var/run/docker.sock");
      expect(asMap(agentService.build, "build").context).toBe("..");
      // Without DOCKER_GID compose stops with the explanation.
      expect(() => asStrings(agentService.group_add, "group_add").map((g) => interpolate(g, {}))).toThrow(
        /stat -c %g \/var\/run\/docker.sock/,
      );
    });

    it("runs the agent's configuration from the file: every labelled service is a valid target", async () => {
      const agentService = asMap(services["label-backup"], "label-backup");
      const environment = keyValues(agentService.environment, variables);
      const groupAdd = asStrings(agentService.group_add, "group_add").map((g) => interpolate(g, variables));
      expect(groupAdd).toEqual([String(access.gid)]);

      const labelled = Object.entries(services)
        .map(([service, definition]) => ({ service, labels: keyValues(asMap(definition, service).labels, variables) }))
        .filter(({ labels }) => labels["backup.enabled"] === "true");
      expect(labelled.map((l) => l.service).sort()).toEqual(["app-config", "mysql", "postgres"]);

      // Stand-ins for the services: the labels (and compose's own) are what the agent reads.
      for (const { service, labels } of labelled) {
        const container = await docker.createContainer({
          name: `${project}-${service}-1`,
          Image: image.name,
          Entrypoint: ["sleep", "infinity"],
          Cmd: [],
          Labels: { ...labels, "com.docker.compose.project": project, "com.docker.compose.service": service },
          HostConfig: { NetworkMode: "none" },
        });
        started.push(container.id);
        await container.start();
      }

      const check = await runImage(docker, image.name, {
        cmd: ["check", "--json"],
        env: Object.entries(environment).map(([key, value]) => `${key}=${value}`),
        binds: [`${access.socket}:/var/run/docker.sock`],
        groupAdd,
      });
      // 3 would mean the file's environment is invalid; 1 may come from other tests' containers.
      expect(check.exitCode, check.stderr).not.toBe(3);
      const report = JSON.parse(check.stdout) as CheckReport;
      for (const { service, labels } of labelled) {
        const entry = report.containers.find((c) => c.name === `${project}-${service}-1`);
        expect(entry, `${service} is missing from the report`).toBeDefined();
        expect(entry!.errors).toEqual([]);
        expect(entry!.warnings).toEqual([]);
        expect(entry!.ok).toBe(true);
        expect(entry!.spec).toMatchObject({
          target: `${project}/${service}`,
          type: labels["backup.type"],
          cron: labels["backup.cron"],
          dest: labels["backup.dest"],
          prefix: labels["backup.prefix"],
        });
      }
    });
  });
});

describe("label-backup version", () => {
  it("reads the release from each vendor's --version line", () => {
    const lines: Array<[string, string | null]> = [
      ["pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", "15.20"],
      ["pg_dump (PostgreSQL) 18beta1", "18beta1"],
      ["mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)", "10.11.19-MariaDB"],
      ["mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)", "11.4.2-MariaDB"],
      ["mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)", "8.0.36"],
      ["redis-cli 7.0.15", "7.0.15"],
      ["mongodump version: 100.10.0", "100.10.0"],
      ["no version here", null],
    ];
    for (const [line, version] of lines) expect(parseVersionLine(line), line).toBe(version);
  });
});
