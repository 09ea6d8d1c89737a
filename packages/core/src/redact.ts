const MASK = "***";

/** Replaces the password of a URI's userinfo with `***`; leaves everything else as written. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/i, `$1:${MASK}@`);
}

/** Every password-bearing URI in free text, redacted. */
export function redactUrisInText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, `$1:${MASK}@`);
}

/**
 * A function that removes the given secrets from text, in their plain and URI-encoded
 * forms, as well as URI passwords it was not told about.
 */
export function createRedactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = redactUrisInText(text);
    for (const form of ordered) out = out.split(form).join(MASK);
    return out;
  };
}

/** The password of a URI, decoded, or undefined when it has none. */
export function passwordOfUri(uri: string): string | undefined {
  try {
    const parsed = new URL(uri);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}
