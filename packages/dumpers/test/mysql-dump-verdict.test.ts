import { PassThrough, Readable } from "node:stream";
import type { BackupSpec, ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "@lb/core";
import { DumpError, silentLogger } from "@lb/core";
import { describe, expect, it } from "vitest";
import { mysqlDumper } from "../src/index.js";

const HEADER = `/*M!999999\\- enable the sandbox mode */
-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version\t10.11.18-MariaDB-0+deb12u1
`;
const BODY = `${"INSERT INTO `t` VALUES (1,'x');\n".repeat(500)}`;
const WHOLE = `${HEADER}${BODY}-- Dump completed on 2026-11-26 16:01:34\n`;

/**
 * A container whose tool probe finds `tool` and whose dump prints `output`, exiting
 * with `code`; every exec is recorded.
 */
function scriptedContainer(output: string, code: number, stderrText = "", tool = "mariadb-dump") {
  const calls: ExecOptions[] = [];
  const runtime: ContainerRuntime = {
    inspect: async () => ({ id: "c", name: "c", image: "i", labels: {}, env: {}, running: true }),
    readArchive: async () => Readable.from([]),
    exec: async (_id, options): Promise<ExecProcess> => {
      calls.push(options);
      const probe = options.cmd[0] === "sh" && options.cmd[2]?.startsWith("for tool");
      const text = probe ? `${tool}\n${tool}  Ver 10.19 Distrib 10.11.18-MariaDB, for debian-linux-gnu\n` : output;
      const stdout = Readable.from([Buffer.from(text)]);
      const stderr = new PassThrough();
      stderr.end(probe ? "" : stderrText);
      const exitCode = new Promise<number>((resolve) => stdout.on("end", () => resolve(probe ? 0 : code)));
      return { stdout, stderr, exitCode, kill: async () => {} };
    },
  };
  return { runtime, calls };
}

const env = { MARIADB_DATABASE: "shop", MARIADB_USER: "app", MARIADB_PASSWORD: "hunter2-secret" };
const container: ContainerInfo = { id: "c", name: "shop-db", image: "mariadb", labels: {}, env, running: true };
const spec = { containerId: "c", database: "shop" } as BackupSpec;

async function dumpWith(runtime: ContainerRuntime) {
  const dump = await mysqlDumper().dump({
    spec,
    container,
    runtime,
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  dump.stream.resume();
  return dump.completed;
}

describe("mysql dump verdict", () => {
  it("accepts exit 0 with the closing line, and reads both versions from the header", async () => {
    const { runtime, calls } = scriptedContainer(WHOLE, 0);
    await expect(dumpWith(runtime)).resolves.toEqual({
      serverVersion: "10.11.18-MariaDB-0+deb12u1",
      toolVersion: "mariadb-dump 10.11.18-MariaDB",
    });
    const dumpCall = calls.at(-1) as ExecOptions;
    expect(dumpCall.cmd[0]).toBe("mariadb-dump");
    expect(dumpCall.env).toEqual({ MYSQL_PWD: "hunter2-secret" });
    expect(calls.flatMap((call) => call.cmd).join(" ")).not.toContain("hunter2");
  });

  it("rejects output cut short even though the tool exited 0", async () => {
    const { runtime } = scriptedContainer(`${HEADER}${BODY}INSERT INTO \`t\` VALUES (2,`, 0);
    await expect(dumpWith(runtime)).rejects.toThrow(
      /mariadb-dump output is incomplete: the closing line "-- Dump completed" is missing/,
    );
  });

  it("rejects a closing line that is not the last thing written", async () => {
    const { runtime } = scriptedContainer(`${WHOLE}INSERT INTO \`t\` VALUES (3,'y');\n`, 0);
    await expect(dumpWith(runtime)).rejects.toThrow(/incomplete/);
  });

  it("rejects a non-zero exit with the tool's words, the password masked", async () => {
    const { runtime } = scriptedContainer(
      HEADER,
      2,
      "mariadb-dump: Got error: 1045: \"Access denied for user 'app'@'localhost' (hunter2-secret)\" when trying to connect\n",
    );
    const error = await dumpWith(runtime).catch((e: unknown) => e);
    expect(DumpError.isInstance(error)).toBe(true);
    expect((error as DumpError).exitCode).toBe(2);
    expect((error as DumpError).message).toMatch(/mariadb-dump exited with code 2: .*Access denied for user 'app'/);
    expect((error as DumpError).message).not.toContain("hunter2");
    expect((error as DumpError).stderr).not.toContain("hunter2");
  });

  it("adds the caching_sha2_password hint to the error", async () => {
    const { runtime } = scriptedContainer(
      "",
      2,
      "mariadb-dump: Got error: 2061: \"Authentication plugin 'caching_sha2_password' reported error: Authentication requires secure connection.\" when trying to connect\n",
    );
    await expect(dumpWith(runtime)).rejects.toThrow(
      /exited with code 2: .*\(the client could not complete MySQL 8's caching_sha2_password login/,
    );
  });

  it("uses mysqldump when mariadb-dump is not there", async () => {
    const { runtime, calls } = scriptedContainer(WHOLE.replace("MariaDB dump", "MySQL dump"), 0, "", "mysqldump");
    await expect(dumpWith(runtime)).resolves.toMatchObject({ toolVersion: "mysqldump 10.11.18-MariaDB" });
    expect(calls.at(-1)?.cmd[0]).toBe("mysqldump");
  });
});
