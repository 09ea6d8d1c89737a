import { createRedactor } from "@lb/core";

/** A webhook URL split into what is sent and what may be logged. */
export interface WebhookTarget {
  /** The URL fetched: path and query kept (they are often the token), credentials removed. */
  requestUrl: string;
  /** `Authorization: Basic …` from `user:password@`, which fetch refuses inside a URL. */
  authorization?: string;
  /** Scheme, host and port only: the one form of the URL that reaches a log. */
  logTarget: string;
  /** Masks every part of the URL that may be a secret, for error texts that quote it. */
  redact: (text: string) => string;
}

export type ParsedTarget = { ok: true; target: WebhookTarget } | { ok: false; error: string };

/** What a log shows for a URL that cannot be parsed, since no part of it is known to be safe. */
export const UNPARSABLE_TARGET = "[invalid webhook url]";

/**
 * Parses a webhook URL. Logs carry only its origin: tokens live in the path
 * (Slack, Discord), the query (`?token=`) or the userinfo, so none of those is shown.
 */
export function parseWebhookTarget(url: string): ParsedTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: "not a valid URL" };
  }
  const redact = createRedactor(secretPartsOf(url, parsed));
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { ok: false, error: `unsupported scheme ${parsed.protocol} (http or https only)` };
  }

  let authorization: string | undefined;
  if (parsed.username || parsed.password) {
    const user = safeDecode(parsed.username);
    const password = safeDecode(parsed.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    parsed.username = "";
    parsed.password = "";
  }
  return { ok: true, target: { requestUrl: parsed.href, authorization, logTarget: parsed.origin, redact } };
}

function secretPartsOf(raw: string, parsed: URL): string[] {
  const parts = [raw, parsed.href, parsed.username, parsed.password, parsed.hash];
  const pathAndQuery = parsed.pathname + parsed.search;
  if (pathAndQuery !== "/") parts.push(pathAndQuery, parsed.pathname, parsed.search);
  for (const value of parsed.searchParams.values()) {
    // Very short values would mask ordinary words and digits of the message; they are no secret.
    if (value.length >= 4) parts.push(value);
  }
  for (const segment of parsed.pathname.split("/")) {
    if (segment.length >= 8) parts.push(safeDecode(segment), segment);
  }
  return parts.filter((part) => part.length > 1);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
