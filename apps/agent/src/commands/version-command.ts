import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, readdir } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { agentVersion } from "../version.js";

/** A database client tool beside the agent (`backup.mode=client` runs these). */
export interface ToolVersion {
  tool: string;
  /** The release, e.g. `15.14` or `10.11.6-MariaDB`; null when the tool is not installed. */
  version: string | null;
  path: string | null;
}

export interface VersionReport {
  agent: string;
  node: string;
  tools: ToolVersion[];
}

// The tools the engines' client-mode dumps use beside the agent, in the order they are
// printed. MongoDB has none: its client mode is the agent's own native client.
const TOOLS = ["pg_dump", "mariadb-dump", "mysqldump", "redis-cli"] as const;

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(tool: string, env: Record<string, string | undefined>): Promise<string | null> {
  for (const folder of (env.PATH ?? "").split(delimiter)) {
    if (folder && (await isExecutable(join(folder, tool)))) return join(folder, tool);
  }
  return null;
}

/**
 * Every pg_dump: Debian keeps one per major in /usr/lib/postgresql/<major>/bin (where
 * client mode looks for them); elsewhere, the one on PATH.
 */
async function pgDumpPaths(env: Record<string, string | undefined>, root: string): Promise<string[]> {
  const majors = (await readdir(root).catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b));
  const found: string[] = [];
  for (const major of majors) {
    const path = join(root, major, "bin", "pg_dump");
    if (await isExecutable(path)) found.push(path);
  }
  if (found.length > 0) return found;
  const path = await onPath("pg_dump", env);
  return path ? [path] : [];
}

/** The release a `--version` line names, for each vendor's wording. */
export function parseVersionLine(line: string): string | null {
  // "mariadb-dump  Ver 10.19 Distrib 10.11.6-MariaDB, ..." (MariaDB 10) names the
  // protocol before the release; "mariadb-dump from 11.4.2-MariaDB, ..." (MariaDB 11).
  const named = line.match(/Distrib ([^\s,]+)/)?.[1] ?? line.match(/ from (\d[^\s,]*)/)?.[1];
  if (named) return named;
  // "pg_dump (PostgreSQL) 15.14 (Debian ...)", "redis-cli 7.0.15", "mongodump version: 100.10.0",
  // "pg_dump (PostgreSQL) 18beta1"
  return line.match(/\d+(?:\.\d+)+(?:-[^\s,)]*)?|\d+(?:beta|rc|devel)\d*/)?.[0] ?? null;
}

function askVersion(path: string, env: Record<string, string | undefined>): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, ["--version"], { env, timeout: 5_000, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
      const line = `${stdout}\n${stderr}`.split("\n").find((l) => l.trim()) ?? "";
      resolve(error && !line ? null : parseVersionLine(line));
    });
  });
}

async function toolVersions(
  tool: (typeof TOOLS)[number],
  env: Record<string, string | undefined>,
  postgresRoot: string,
): Promise<ToolVersion[]> {
  const paths = tool === "pg_dump" ? await pgDumpPaths(env, postgresRoot) : [await onPath(tool, env)];
  const present = paths.filter((p): p is string => p !== null);
  if (present.length === 0) return [{ tool, version: null, path: null }];
  return Promise.all(present.map(async (path) => ({ tool, version: await askVersion(path, env), path })));
}

/** The agent's version and each client tool found beside it. */
export async function versionReport(
  env: Record<string, string | undefined> = process.env,
  postgresRoot = "/usr/lib/postgresql",
): Promise<VersionReport> {
  const tools = (await Promise.all(TOOLS.map((tool) => toolVersions(tool, env, postgresRoot)))).flat();
  return { agent: agentVersion(), node: process.versions.node, tools };
}

export function formatVersionReport(report: VersionReport): string {
  const width = Math.max(...report.tools.map((t) => t.tool.length));
  const lines = report.tools.map((t) =>
    t.path === null
      ? `  ${t.tool.padEnd(width)}  not installed`
      : `  ${t.tool.padEnd(width)}  ${t.version ?? "unknown version"}  ${t.path}`,
  );
  return [`label-backup ${report.agent}`, `node ${report.node}`, "client tools beside the agent:", ...lines, ""].join(
    "\n",
  );
}

/** `label-backup version [--json]`. */
export async function versionCommand(json: boolean, env: Record<string, string | undefined>): Promise<number> {
  const report = await versionReport(env);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatVersionReport(report));
  return 0;
}
