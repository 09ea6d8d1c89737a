/**
 * Which URLs may receive signatures. A webhook secret signs whatever it is given, so a
 * signed request to a URL that someone else chose (a `backup.webhook` label, say) hands
 * that someone a valid signature: a signing oracle. Signatures therefore only go to
 * origins the operator named; every other URL gets the same body unsigned.
 */

/**
 * `scheme://host[:port]` of an `http(s)` URL, normalised as browsers compare origins
 * (lower-case host, default port dropped), or undefined when it is not such a URL.
 */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  return parsed.origin;
}

/**
 * The normalised origin when `text` is an origin and nothing more (`https://hooks.example.com`,
 * optionally with a port or a trailing `/`), else undefined. A path, query, fragment or
 * credentials are refused rather than dropped: whoever wrote them expected them to matter.
 */
export function parseOrigin(text: string): string | undefined {
  const origin = originOf(text);
  if (origin === undefined) return undefined;
  const parsed = new URL(text);
  const onlyOrigin =
    parsed.username === "" &&
    parsed.password === "" &&
    parsed.pathname === "/" &&
    parsed.search === "" &&
    parsed.hash === "" &&
    // URL drops an empty "?" or "#"; the text must not have had them either.
    !/[?#]/.test(text);
  return onlyOrigin ? origin : undefined;
}

/**
 * The origins an agent signs for: that of its own `WEBHOOK_URL`, plus the ones listed in
 * `WEBHOOK_ALLOWED_ORIGINS` (already validated with `parseOrigin`).
 */
export function signingOrigins(webhookUrl: string | undefined, allowedOrigins: readonly string[]): string[] {
  const own = webhookUrl === undefined ? undefined : originOf(webhookUrl);
  return [...new Set([...(own === undefined ? [] : [own]), ...allowedOrigins])];
}

/**
 * Whether a request to `url` may carry signatures: its origin is one of `signedOrigins`.
 * An unparsable URL is never signed.
 */
export function shouldSign(url: string, signedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== undefined && signedOrigins.includes(origin);
}
