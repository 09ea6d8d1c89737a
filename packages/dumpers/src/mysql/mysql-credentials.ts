import type { BackupSpec } from "@lb/core";
import { DumpError } from "@lb/core";

/** Where the password comes from: the value itself, or a file inside the container. */
export type MysqlSecret = { password: string } | { passwordFile: string };

export interface MysqlCredentials {
  user: string;
  /** Undefined when there is no password (or the server authenticates root by its socket). */
  secret: MysqlSecret | undefined;
  database: string;
  /** Only from `backup.conn`; otherwise the tool uses the container's local socket. */
  host: string | undefined;
  port: string | undefined;
}

/**
 * A setting the official images read, in their order of precedence: `MARIADB_<name>`,
 * then `MYSQL_<name>`, each either as the value or as a `_FILE` naming a file with it.
 */
function imageSecret(env: Record<string, string>, name: string): MysqlSecret | undefined {
  for (const variable of [`MARIADB_${name}`, `MYSQL_${name}`]) {
    if (env[variable]) return { password: env[variable] };
    if (env[`${variable}_FILE`]) return { passwordFile: env[`${variable}_FILE`] as string };
  }
  return undefined;
}

function imageSetting(env: Record<string, string>, name: string): string | undefined {
  return env[`MARIADB_${name}`] || env[`MYSQL_${name}`] || undefined;
}

/** The password the plain text of a secret holds, for redaction; undefined for files. */
export function plainPassword(credentials: MysqlCredentials): string | undefined {
  return credentials.secret && "password" in credentials.secret ? credentials.secret.password : undefined;
}

/**
 * Who to connect as. From `backup.conn` when it is set; else from the variables the
 * official mariadb and mysql images read: the application user (`MARIADB_USER` /
 * `MYSQL_USER`) for its own database, otherwise root with the root password. A
 * password the URI leaves out is taken from the image's variables for the same user.
 */
export function mysqlCredentials(spec: BackupSpec, containerEnv: Record<string, string>): MysqlCredentials {
  const appUser = imageSetting(containerEnv, "USER");
  const appSecret = imageSecret(containerEnv, "PASSWORD");
  const appDatabase = imageSetting(containerEnv, "DATABASE");
  const rootSecret = imageSecret(containerEnv, "ROOT_PASSWORD");
  const secretFor = (user: string): MysqlSecret | undefined => {
    if (user === "root") return rootSecret;
    return user === appUser ? appSecret : undefined;
  };

  let fromUri: { user?: string; password?: string; database?: string; host?: string; port?: string } = {};
  if (spec.conn) {
    let uri: URL;
    try {
      uri = new URL(spec.conn);
    } catch {
      throw new DumpError("backup.conn is not a valid mysql:// URI");
    }
    if (uri.protocol !== "mysql:" && uri.protocol !== "mariadb:") {
      throw new DumpError(`backup.conn has the scheme ${uri.protocol}//; a mysql:// URI is needed`);
    }
    fromUri = {
      user: uri.username ? decodeURIComponent(uri.username) : undefined,
      password: uri.password ? decodeURIComponent(uri.password) : undefined,
      database: decodeURIComponent(uri.pathname.replace(/^\//, "")) || undefined,
      host: uri.hostname.replace(/^\[(.*)\]$/, "$1") || undefined,
      port: uri.port || undefined,
    };
  }

  const database = spec.database || fromUri.database || appDatabase;
  if (!database) {
    throw new DumpError(
      "no database to dump: set backup.database, or MARIADB_DATABASE/MYSQL_DATABASE on the container",
    );
  }

  let user: string;
  if (fromUri.user) user = fromUri.user;
  else if (appUser && appSecret && database === appDatabase) user = appUser;
  else if (rootSecret || !appUser || !appSecret) user = "root";
  // The root password is unknown (MARIADB_RANDOM_ROOT_PASSWORD): the app user is the best guess.
  else user = appUser;

  return {
    user,
    secret: fromUri.password !== undefined ? { password: fromUri.password } : secretFor(user),
    database,
    host: fromUri.host,
    port: fromUri.port,
  };
}
