/**
 * The canonical IANA name of a time zone (`utc` -> `UTC`), or undefined when the runtime's
 * Intl does not know it. A leading `:` (POSIX `TZ=:Europe/Paris`) is ignored.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const zone = name.trim().replace(/^:/, "");
  if (zone === "") return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
