const MAX_ECHO = 64;

/**
 * A label value quoted for an error message, shortened when long. Only for labels that
 * cannot hold a secret: `backup.conn` and `backup.webhook` are never echoed.
 */
export function quote(value: string): string {
  const short = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
  return JSON.stringify(short);
}

/** True when the text holds an ASCII or C1 control character. */
export function hasControlChars(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
