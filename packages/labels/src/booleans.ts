/**
 * `true`/`false` in any case, and `1`/`0` as the original agent accepted them; surrounding
 * whitespace is ignored. Anything else is undefined, for the caller to report.
 */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return undefined;
}

export const BOOLEAN_FORMS = "true or false (any case), or 1 or 0";
