import { parseBoolean } from "./booleans.js";
import { LABELS } from "./label-names.js";

/** true when backup.enabled parses as true; false for absent/false/invalid. */
export function isBackupEnabled(labels: Record<string, string>): boolean {
  const value = labels[LABELS.enabled];
  return typeof value === "string" && parseBoolean(value) === true;
}
