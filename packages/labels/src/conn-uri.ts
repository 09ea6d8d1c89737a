import { resolveParts, splitReferences, type TemplatePart } from "./env-refs.js";
import { type LabelEnv, NO_LABEL_ENV } from "./label-env.js";
import { hasControlChars, quote } from "./quote.js";

/** The schemes `backup.conn` accepts. */
export const CONN_SCHEMES = ["postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "rediss"] as const;

/** Schemes whose URIs may list several `host:port` pairs separated by commas. */
const MULTI_HOST_SCHEMES = new Set(["postgres", "postgresql", "mongodb"]);

const MASK = "***";

export interface ConnHost {
  host: string;
  port?: number;
}

/** A parsed `backup.conn`, with `${VAR}` references resolved. */
export interface ConnInfo {
  /** Lower-case scheme, such as `postgres` or `mongodb+srv`. */
  scheme: string;
  /** The URI to connect with: references resolved, user name and password percent-encoded. */
  uri: string;
  /** `uri` with the password replaced by `***`, for logs and reports. */
  redacted: string;
  username?: string;
  password?: string;
  hosts: ConnHost[];
  /** The database named by the path, decoded; undefined when the path is empty. */
  database?: string;
  /** Query options (sslmode, authSource, tls, …), decoded; they stay in `uri` as written. */
  options: Record<string, string>;
}

export type ConnResult =
  | {
      ok: true;
      conn: ConnInfo;
      /** The label as written with any literal password masked, safe to keep in a spec. */
      maskedTemplate: string;
    }
  | { ok: false; reason: string };

const fail = (reason: string): ConnResult => ({ ok: false, reason });

const ENCODE_HINT = "percent-encode @ / ? # in the user name or password, or write the password as ${VAR}";
const REG_NAME = /^[A-Za-z0-9._~%!$&'()*+;=-]+$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?\]$/;
const SECRET_QUERY_KEYS = /(^|&)((?:password|pass|pwd)=)[^&]*/gi;

/** Masks the values of password-like query options. */
function maskQuerySecrets(query: string): string {
  return query.replace(SECRET_QUERY_KEYS, `$1$2${MASK}`);
}

function decodeLiteral(text: string): string {
  // Throws URIError on a malformed escape; the caller reports it without quoting.
  return decodeURIComponent(text);
}

/** Splits userinfo parts at the first `:` that is literal text, not inside a resolved value. */
function splitUserinfo(parts: readonly TemplatePart[]): { user: TemplatePart[]; password?: TemplatePart[] } {
  const user: TemplatePart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if ("text" in part) {
      const colon = part.text.indexOf(":");
      if (colon >= 0) {
        if (colon > 0) user.push({ text: part.text.slice(0, colon) });
        const password: TemplatePart[] = [];
        const after = part.text.slice(colon + 1);
        if (after !== "") password.push({ text: after });
        password.push(...parts.slice(i + 1));
        return { user, password };
      }
    }
    user.push(part);
  }
  return { user };
}

function parseHosts(text: string, scheme: string): { ok: true; hosts: ConnHost[] } | { ok: false; reason: string } {
  const hosts: ConnHost[] = [];
  const entries = text.split(",");
  if (entries.length > 1 && !MULTI_HOST_SCHEMES.has(scheme)) {
    return { ok: false, reason: `${scheme}:// takes a single host` };
  }
  for (const entry of entries) {
    let host = entry;
    let portText: string | undefined;
    if (entry.startsWith("[")) {
      const close = entry.indexOf("]");
      host = close < 0 ? entry : entry.slice(0, close + 1);
      const rest = close < 0 ? "" : entry.slice(close + 1);
      if (rest !== "") {
        if (!rest.startsWith(":")) return { ok: false, reason: "has an invalid IPv6 host" };
        portText = rest.slice(1);
      }
      if (!IPV6.test(host)) return { ok: false, reason: "has an invalid IPv6 host" };
    } else {
      const colon = entry.indexOf(":");
      if (colon >= 0) {
        host = entry.slice(0, colon);
        portText = entry.slice(colon + 1);
      }
      if (!REG_NAME.test(host)) {
        return {
          ok: false,
          reason: `has an empty or invalid host name; if the password is in the URI, ${ENCODE_HINT}`,
        };
      }
    }
    if (portText === undefined || portText === "") {
      hosts.push({ host });
      continue;
    }
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65_535)) {
      return { ok: false, reason: `has an invalid port (1-65535); if the password is in the URI, ${ENCODE_HINT}` };
    }
    hosts.push({ host, port });
  }
  if (scheme === "mongodb+srv" && (hosts.length !== 1 || hosts[0]!.port !== undefined)) {
    return { ok: false, reason: "mongodb+srv:// takes one host name without a port" };
  }
  return { ok: true, hosts };
}

/** Resolves references in a non-secret piece of the URI (host, path, query), unchanged otherwise. */
function resolvePlain(text: string, env: LabelEnv): { ok: true; value: string } | { ok: false; reason: string } {
  const split = splitReferences(text);
  if (!split.ok) return split;
  return resolveParts(split.parts, env);
}

/**
 * Parses a `backup.conn` URI. `${VAR}` references are looked up through `env`, which only
 * lets through what LABEL_ENV_ALLOW allows (by default nothing); in the user name
 * and password the variable holds the plain value, which is percent-encoded into `uri`.
 * The structure follows Go's net/url, as the original agent did: the query starts at the
 * first `?`, the host at the last `@` before the first `/`. Reasons never quote the URI.
 */
export function parseConnUri(template: string, env: LabelEnv = NO_LABEL_ENV): ConnResult {
  const text = template.trim();
  if (text === "") return fail("is empty");
  if (hasControlChars(text) || /\s/.test(text)) {
    return fail("contains whitespace or control characters; percent-encode them");
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!schemeMatch) return fail("must be a URI such as postgres://user:password@host:5432/dbname");
  const scheme = schemeMatch[1]!.toLowerCase();
  if (!(CONN_SCHEMES as readonly string[]).includes(scheme)) {
    return fail(
      `scheme ${quote(schemeMatch[1]!)} is not supported; use one of ${CONN_SCHEMES.map((s) => `${s}://`).join(", ")}`,
    );
  }

  const rest = text.slice(schemeMatch[0].length);
  if (rest.includes("#")) return fail(`must not contain #; ${ENCODE_HINT}`);
  const queryAt = rest.indexOf("?");
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const queryTemplate = queryAt < 0 ? undefined : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf("/");
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const pathTemplate = slash < 0 ? "" : beforeQuery.slice(slash);
  const at = authority.lastIndexOf("@");
  const userinfoTemplate = at < 0 ? undefined : authority.slice(0, at);
  const hostsTemplate = at < 0 ? authority : authority.slice(at + 1);

  // An @ past the host almost always means a password with a raw / or ? in it.
  if (pathTemplate.includes("@") || (at < 0 && queryTemplate?.includes("@"))) {
    return fail(`has an @ after the host; ${ENCODE_HINT}`);
  }

  let username: string | undefined;
  let password: string | undefined;
  let maskedUserinfo: string | undefined;
  if (userinfoTemplate !== undefined) {
    const split = splitReferences(userinfoTemplate);
    if (!split.ok) return fail(`user name or password ${split.reason}`);
    const pieces = splitUserinfo(split.parts);
    try {
      const user = resolveParts(pieces.user, env, decodeLiteral);
      if (!user.ok) return fail(user.reason);
      username = user.value;
      if (pieces.password) {
        const pass = resolveParts(pieces.password, env, decodeLiteral);
        if (!pass.ok) return fail(pass.reason);
        password = pass.value;
      }
    } catch {
      return fail("has an invalid percent-encoding (%XX) in its user name or password");
    }
    const colon = userinfoTemplate.indexOf(":");
    const writtenUser = colon < 0 ? userinfoTemplate : userinfoTemplate.slice(0, colon);
    const writtenPassword = colon < 0 ? undefined : userinfoTemplate.slice(colon + 1);
    // A password written only as one reference holds no secret; anything else is masked.
    const keep =
      writtenPassword === undefined || writtenPassword === "" || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(writtenPassword);
    maskedUserinfo = keep ? userinfoTemplate : `${writtenUser}:${MASK}`;
  }

  const hostsText = resolvePlain(hostsTemplate, env);
  if (!hostsText.ok) return fail(hostsText.reason);
  const path = resolvePlain(pathTemplate, env);
  if (!path.ok) return fail(path.reason);
  const query = queryTemplate === undefined ? undefined : resolvePlain(queryTemplate, env);
  if (query && !query.ok) return fail(query.reason);

  let hosts: ConnHost[] = [];
  if (hostsText.value === "") {
    // libpq connects through a socket named in ?host=; every other case needs a host.
    const socketHost = query?.ok && new URLSearchParams(query.value).has("host");
    if (!(socketHost && (scheme === "postgres" || scheme === "postgresql"))) return fail("has no host");
  } else {
    const parsed = parseHosts(hostsText.value, scheme);
    if (!parsed.ok) return fail(parsed.reason);
    hosts = parsed.hosts;
  }

  let database: string | undefined;
  if (path.value !== "" && path.value !== "/") {
    const segment = path.value.slice(1);
    if (segment.includes("/")) return fail("has a path with more than one segment; the path names one database");
    try {
      database = decodeURIComponent(segment);
    } catch {
      return fail("has an invalid percent-encoding (%XX) in its database name");
    }
    if (hasControlChars(database)) return fail("has control characters in its database name");
  }

  const options: Record<string, string> = {};
  if (query?.ok) for (const [key, value] of new URLSearchParams(query.value)) options[key] = value;

  const encodedUserinfo =
    username === undefined
      ? undefined
      : encodeURIComponent(username) + (password === undefined ? "" : `:${encodeURIComponent(password)}`);
  const redactedUserinfo =
    username === undefined ? undefined : encodeURIComponent(username) + (password === undefined ? "" : `:${MASK}`);
  const tail = hostsText.value + path.value;
  const queryPart = query?.ok ? `?${query.value}` : "";
  const redactedQuery = query?.ok ? `?${maskQuerySecrets(query.value)}` : "";
  const withUserinfo = (userinfo: string | undefined) => `${scheme}://${userinfo === undefined ? "" : `${userinfo}@`}`;

  const conn: ConnInfo = {
    scheme,
    uri: withUserinfo(encodedUserinfo) + tail + queryPart,
    redacted: withUserinfo(redactedUserinfo) + tail + redactedQuery,
    hosts,
    options,
  };
  if (username !== undefined) conn.username = username;
  if (password !== undefined) conn.password = password;
  if (database !== undefined) conn.database = database;

  const maskedQuery = queryTemplate === undefined ? "" : `?${maskQuerySecrets(queryTemplate)}`;
  const maskedTemplate = `${schemeMatch[1]}://${maskedUserinfo === undefined ? "" : `${maskedUserinfo}@`}${hostsTemplate}${pathTemplate}${maskedQuery}`;
  return { ok: true, conn, maskedTemplate };
}
