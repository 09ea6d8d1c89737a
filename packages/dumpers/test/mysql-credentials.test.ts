import type { BackupSpec } from "@lb/core";
import { describe, expect, it } from "vitest";
import { mysqlDumpExec, mysqlLoadExec, mysqlQueryExec } from "../src/mysql/mysql-command.js";
import { mysqlCredentials } from "../src/mysql/mysql-credentials.js";
import { authPluginHint } from "../src/mysql/mysql-errors.js";
import { parseToolVersion } from "../src/mysql/mysql-tools.js";

const spec = (overrides: Partial<BackupSpec> = {}) => ({ database: "", ...overrides }) as BackupSpec;
const officialEnv = {
  MARIADB_ROOT_PASSWORD: "root-secret",
  MARIADB_DATABASE: "shop",
  MARIADB_USER: "shopper",
  MARIADB_PASSWORD: "app-secret",
};
const mariadbDump = parseToolVersion(
  "mariadb-dump",
  "mariadb-dump  Ver 10.19 Distrib 10.11.18-MariaDB, for debian-linux-gnu",
);

describe("mysqlCredentials", () => {
  it("uses the application user for its own database", () => {
    expect(mysqlCredentials(spec(), officialEnv)).toEqual({
      user: "shopper",
      secret: { password: "app-secret" },
      database: "shop",
      host: undefined,
      port: undefined,
    });
  });

  it("uses root with the root password for any other database", () => {
    const credentials = mysqlCredentials(spec({ database: "reports" }), officialEnv);
    expect(credentials).toMatchObject({ user: "root", secret: { password: "root-secret" }, database: "reports" });
  });

  it("reads the MYSQL_* spellings, with MARIADB_* first when both are set", () => {
    const env = { MYSQL_ROOT_PASSWORD: "r", MYSQL_DATABASE: "db", MYSQL_USER: "u", MYSQL_PASSWORD: "p" };
    expect(mysqlCredentials(spec(), env)).toMatchObject({ user: "u", secret: { password: "p" }, database: "db" });
    expect(mysqlCredentials(spec(), { ...env, MARIADB_USER: "m", MARIADB_PASSWORD: "mp" })).toMatchObject({
      user: "m",
      secret: { password: "mp" },
    });
  });

  it("leaves *_FILE passwords to be read inside the container", () => {
    const env = { MARIADB_ROOT_PASSWORD_FILE: "/run/secrets/root", MARIADB_DATABASE: "db" };
    expect(mysqlCredentials(spec(), env)).toMatchObject({
      user: "root",
      secret: { passwordFile: "/run/secrets/root" },
    });
  });

  it("falls back to the application user when the root password is not known", () => {
    const env = {
      MARIADB_RANDOM_ROOT_PASSWORD: "yes",
      MARIADB_USER: "u",
      MARIADB_PASSWORD: "p",
      MARIADB_DATABASE: "a",
    };
    expect(mysqlCredentials(spec({ database: "b" }), env)).toMatchObject({ user: "u", secret: { password: "p" } });
    // No users at all (MARIADB_ALLOW_EMPTY_ROOT_PASSWORD): root without a password.
    expect(mysqlCredentials(spec({ database: "b" }), {})).toMatchObject({ user: "root", secret: undefined });
  });

  it("takes user, password, host, port and database from backup.conn", () => {
    const conn = "mysql://report%40er:p%40ss%3Aw%2Frd@db.internal:3307/sales";
    expect(mysqlCredentials(spec({ conn }), officialEnv)).toEqual({
      user: "report@er",
      secret: { password: "p@ss:w/rd" },
      database: "sales",
      host: "db.internal",
      port: "3307",
    });
    expect(mysqlCredentials(spec({ conn, database: "other" }), officialEnv).database).toBe("other");
  });

  it("takes a password backup.conn leaves out from the image's variables for that user", () => {
    const credentials = mysqlCredentials(spec({ conn: "mysql://root@127.0.0.1:3306/shop" }), officialEnv);
    expect(credentials.secret).toEqual({ password: "root-secret" });
  });

  it("rejects a URI of another engine and a missing database", () => {
    expect(() => mysqlCredentials(spec({ conn: "postgres://u:p@h/db" }), {})).toThrow(/mysql:\/\/ URI is needed/);
    expect(() => mysqlCredentials(spec(), {})).toThrow(/no database to dump/);
  });
});

describe("mysql commands", () => {
  const credentials = mysqlCredentials(spec({ conn: "mysql://app:hunter2-secret@127.0.0.1:3306/shop" }), {});

  it("never put the password in argv: it travels as MYSQL_PWD", () => {
    const client = parseToolVersion("mariadb", "mariadb  Ver 15.1 Distrib 10.11.18-MariaDB");
    for (const exec of [
      mysqlDumpExec(mariadbDump, credentials),
      mysqlQueryExec(client, credentials),
      mysqlLoadExec(client, credentials, "shop"),
    ]) {
      expect(exec.cmd.join(" ")).not.toContain("hunter2");
      expect(exec.cmd.some((arg) => /^(-p|--password)/.test(arg))).toBe(false);
      expect(exec.env).toEqual({ MYSQL_PWD: "hunter2-secret" });
    }
  });

  it("dumps one database without --databases, with the consistency and completeness options", () => {
    const { cmd } = mysqlDumpExec(mariadbDump, credentials);
    expect(cmd[0]).toBe("mariadb-dump");
    expect(cmd).toEqual(
      expect.arrayContaining([
        "--single-transaction",
        "--routines",
        "--triggers",
        "--events",
        "--hex-blob",
        "--comments",
        "--user=app",
        "--host=127.0.0.1",
        "--port=3306",
      ]),
    );
    expect(cmd).not.toContain("--databases");
    expect(cmd.slice(-2)).toEqual(["--", "shop"]);
    expect(cmd).not.toContain("--set-gtid-purged=OFF");
  });

  it("adds MySQL-only options for Oracle's mysqldump", () => {
    const mysqldump = parseToolVersion(
      "mysqldump",
      "mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)",
    );
    expect(mysqldump).toEqual({ name: "mysqldump", flavour: "mysql", version: "8.0.36" });
    expect(mysqlDumpExec(mysqldump, credentials).cmd).toContain("--set-gtid-purged=OFF");
    // Debian's mysqldump is MariaDB's under its old name.
    const debian = parseToolVersion("mysqldump", "mysqldump  Ver 10.19 Distrib 10.11.18-MariaDB, for debian-linux-gnu");
    expect(debian.flavour).toBe("mariadb");
    expect(
      parseToolVersion("mariadb-dump", "mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu").version,
    ).toBe("11.4.2-MariaDB");
  });

  it("reads a *_FILE password inside the container through a shell, not through argv", () => {
    const fromFile = mysqlCredentials(spec(), {
      MARIADB_ROOT_PASSWORD_FILE: "/run/secrets/root",
      MARIADB_DATABASE: "db",
    });
    const exec = mysqlDumpExec(mariadbDump, fromFile);
    expect(exec.cmd.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(exec.cmd).toContain("mariadb-dump");
    expect(exec.env).toEqual({ LB_MYSQL_PASSWORD_FILE: "/run/secrets/root" });
  });
});

describe("authPluginHint", () => {
  it("explains MySQL 8's caching_sha2_password failures seen from a MariaDB client", () => {
    const missingPlugin =
      'mysqldump: Got error: 1045: "Plugin caching_sha2_password could not be loaded: lib/mariadb/plugin/caching_sha2_password.so: cannot open shared object file"';
    const insecure =
      "mariadb-dump: Got error: 2061: \"Authentication plugin 'caching_sha2_password' reported error: Authentication requires secure connection.\"";
    expect(authPluginHint(missingPlugin)).toMatch(/exec mode.*mysql_native_password/);
    expect(authPluginHint(insecure)).toMatch(/caching_sha2_password/);
    expect(authPluginHint("Access denied for user 'app'@'localhost' (using password: YES)")).toBeUndefined();
  });
});
