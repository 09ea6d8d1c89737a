import type { DumpResult } from "@lb/core";
import type { MysqlTool } from "./mysql-tools.js";

// mysqldump and mariadb-dump write this as their last line, and only once every table
// was written (the date follows unless --skip-dump-date).
const TRAILER = /(?:^|\n)-- Dump completed[^\n]*\n*$/;

/** Whether the last bytes of a dump end with its completion line. */
export function endsWithTrailer(tail: Buffer): boolean {
  return TRAILER.test(tail.toString("utf8"));
}

/** Whether a finished dump is whole; the versions from its header when it is. */
export function verifyMysqlDump(
  tool: MysqlTool,
  output: { head: Buffer; tail: Buffer },
): { incomplete: string } | DumpResult {
  if (!endsWithTrailer(output.tail)) return { incomplete: 'the closing line "-- Dump completed" is missing' };
  const header = output.head.toString("utf8");
  // "-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB, for ..." / "-- MySQL dump 10.13  Distrib 8.0.36, for ..."
  const distrib = header.match(/^-- (?:MariaDB|MySQL) dump \S+\s+Distrib ([^\s,]+)/m)?.[1];
  return {
    serverVersion: header.match(/^-- Server version\s+(.+)$/m)?.[1]?.trim(),
    toolVersion: [tool.name, distrib ?? tool.version].filter(Boolean).join(" "),
  };
}
