import { redactUrisInText } from "@lb/core";

export const MASK = "***";

/**
 * Secrets shorter than this are masked only where they are a whole value, never inside
 * longer text. A container's one-letter or one-quote password would otherwise blank that
 * character in every line the agent writes; a value that is exactly the secret is still
 * masked, and at 4 characters a match inside other text is rare enough to be the secret.
 */
export const MIN_EMBEDDED_SECRET_LENGTH = 4;

export interface TextRedactor {
  /** A whole string value: `***` when it is a secret, else as `inside`. */
  value(text: string): string;
  /** Text that may contain secrets: long secrets and URI passwords (`scheme://user:PASS@`) become `***`. */
  inside(text: string): string;
}

/** Masks the given secrets, in their plain and URI-encoded forms, by the rules above. */
export function createTextRedactor(secrets: Iterable<string>): TextRedactor {
  const whole = new Set<string>();
  const embedded = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, uriEncoded(secret)]) {
      if (form === undefined) continue;
      whole.add(form);
      if (form.length >= MIN_EMBEDDED_SECRET_LENGTH) embedded.add(form);
    }
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...embedded].sort((a, b) => b.length - a.length);
  const inside = (text: string) => {
    let out = redactUrisInText(text);
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  };
  return { inside, value: (text) => (whole.has(text) ? MASK : inside(text)) };
}

/** The secret as it appears in a URI; none for text that cannot be encoded (a lone surrogate). */
function uriEncoded(secret: string): string | undefined {
  try {
    return encodeURIComponent(secret);
  } catch {
    return undefined;
  }
}
