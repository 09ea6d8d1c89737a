const MAX_ECHO = 64;

/**
 * A label value quoted for an error message, shortened when long. Only for labels that
 * cannot hold a secret: `backup.conn` and `backup.webhook` are never echoed.
 */
export function quote(value: string): string {
  const short = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
  return JSON.stringify(short);
}

/** True when the text holds an ASCII (0-31, 127) or C1 (128-159) control character. */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
