import type { BackupSpec } from "@lb/core";
import { DumpError } from "@lb/core";

export interface MongoConnection {
  /** The URI the tools connect with, credentials included; only ever written into a config file. */
  uri: string;
  /** The database to dump or restore; undefined means every database. */
  database: string | undefined;
  /** The password, decoded, for redaction. */
  password: string | undefined;
}

// mongodb://[user[:password]@]host1[:port1][,host2...][/[database]][?options]; several
// hosts are allowed, so WHATWG URL parsing does not apply.
const MONGO_URI = /^(mongodb(?:\+srv)?):\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/i;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new DumpError("backup.conn has a malformed percent-encoding in its user or password");
  }
}

function withAuthSource(query: string, database: string): string {
  const params = new URLSearchParams(query);
  if (!params.has("authSource")) params.set("authSource", database);
  return params.toString();
}

/**
 * Where and as whom to connect. From `backup.conn` when set; its user and password win,
 * else the root user the official image creates from MONGO_INITDB_ROOT_USERNAME /
 * MONGO_INITDB_ROOT_PASSWORD (authenticated against `admin`). Without `backup.conn`
 * the tool connects to 127.0.0.1:27017 inside the container.
 */
export function mongoConnection(spec: BackupSpec, containerEnv: Record<string, string>): MongoConnection {
  const envUser = containerEnv.MONGO_INITDB_ROOT_USERNAME || undefined;
  const envPassword = envUser ? containerEnv.MONGO_INITDB_ROOT_PASSWORD || undefined : undefined;
  const envUserinfo = envUser
    ? `${encodeURIComponent(envUser)}${envPassword ? `:${encodeURIComponent(envPassword)}` : ""}@`
    : "";

  if (!spec.conn) {
    const query = envUser ? "?authSource=admin" : "";
    return {
      uri: `mongodb://${envUserinfo}127.0.0.1:27017/${query}`,
      database: spec.database || undefined,
      password: envPassword,
    };
  }

  const match = MONGO_URI.exec(spec.conn.trim());
  if (!match) throw new DumpError("backup.conn is not a valid mongodb:// or mongodb+srv:// URI");
  const [, scheme, userinfo, hosts, path = "", query = ""] = match;
  const pathDatabase = decode(path);
  let finalQuery = query;
  let finalUserinfo: string;
  let password: string | undefined;
  if (userinfo) {
    finalUserinfo = `${userinfo}@`;
    const colon = userinfo.indexOf(":");
    password = colon >= 0 ? decode(userinfo.slice(colon + 1)) : undefined;
    // The URI's database is also where its user authenticates, unless authSource says otherwise.
    if (pathDatabase) finalQuery = withAuthSource(query, pathDatabase);
  } else {
    finalUserinfo = envUserinfo;
    password = envPassword;
    if (envUser) finalQuery = withAuthSource(query, "admin");
  }
  // The database travels as --db, so the URI keeps only hosts, credentials and options.
  return {
    uri: `${scheme}://${finalUserinfo}${hosts}/${finalQuery ? `?${finalQuery}` : ""}`,
    database: spec.database || pathDatabase || undefined,
    password,
  };
}

/** The tools' `--config` file: YAML whose only key is the URI (a JSON string is valid YAML). */
export function toolConfig(connection: MongoConnection): string {
  return `uri: ${JSON.stringify(connection.uri)}\n`;
}
