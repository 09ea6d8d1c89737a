import type { ContainerRuntime } from "@lb/core";
import { PROBE_TIMEOUT_MS, runCommand } from "../shared/run-command.js";

/** A MySQL or MariaDB program found in a container. */
export interface MysqlTool {
  /** The command name, e.g. `mariadb-dump`. */
  name: string;
  /** Whose build it is: the options the two accept differ in places. */
  flavour: "mariadb" | "mysql";
  /** The release it comes from, e.g. `10.11.18-MariaDB` or `8.0.36`. */
  version: string | undefined;
}

/** Dump tools, in the order they are tried: MariaDB 11 images no longer have `mysqldump`. */
export const DUMP_TOOLS = ["mariadb-dump", "mysqldump"] as const;
/** Clients, in the order they are tried. */
export const CLIENT_TOOLS = ["mariadb", "mysql"] as const;

// Prints the first candidate present and its --version line; exits 127 when none is.
const PROBE =
  'for tool do if command -v "$tool" >/dev/null 2>&1; then echo "$tool"; "$tool" --version; exit 0; fi; done; exit 127';

/** Reads a `--version` line, from either vendor's tools. */
export function parseToolVersion(name: string, versionLine: string): MysqlTool {
  const flavour = /mariadb/i.test(versionLine) || name.startsWith("mariadb") ? "mariadb" : "mysql";
  // "Ver 10.19 Distrib 10.11.18-MariaDB," (MariaDB 10) | "from 11.4.2-MariaDB," (MariaDB 11)
  // | "Ver 8.0.36 for Linux" (MySQL)
  const version =
    versionLine.match(/Distrib ([^\s,]+)/)?.[1] ??
    versionLine.match(/ from ([^\s,]+)/)?.[1] ??
    versionLine.match(/Ver ([^\s,]+)/)?.[1];
  return { name, flavour, version };
}

/** The first of `candidates` installed in the container, or undefined when none is. */
export async function findMysqlTool(
  runtime: ContainerRuntime,
  containerId: string,
  candidates: readonly string[],
  signal?: AbortSignal,
): Promise<MysqlTool | undefined> {
  const probe = await runCommand(
    runtime,
    containerId,
    { cmd: ["sh", "-c", PROBE, "sh", ...candidates] },
    { timeoutMs: PROBE_TIMEOUT_MS, ...(signal ? { signal } : {}) },
  );
  if (probe.exitCode !== 0) return undefined;
  const [name, versionLine = ""] = probe.stdout.split("\n").map((line) => line.trim());
  if (!name || !candidates.includes(name)) return undefined;
  return parseToolVersion(name, versionLine);
}

/** The first of `candidates` installed beside the agent (client mode), from PATH. */
export async function findLocalMysqlTool(candidates: readonly string[]): Promise<MysqlTool | undefined> {
  const { execFile } = await import("node:child_process");
  for (const name of candidates) {
    const versionLine = await new Promise<string | undefined>((resolve) => {
      execFile(name, ["--version"], { timeout: PROBE_TIMEOUT_MS }, (error, stdout) =>
        resolve(error ? undefined : stdout.trim()),
      );
    });
    if (versionLine !== undefined) return parseToolVersion(name, versionLine);
  }
  return undefined;
}
