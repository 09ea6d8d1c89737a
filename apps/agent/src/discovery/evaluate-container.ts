import type { BackupSpec } from "@lb/core";
import type { LabelledContainer } from "@lb/discovery";
import { type AgentSettings, BOOLEAN_FORMS, type LabelError, parseBackupLabels, parseBoolean } from "@lb/labels";

export type ContainerVerdict =
  | { kind: "disabled" }
  | { kind: "valid"; spec: BackupSpec; warnings: LabelError[] }
  | { kind: "invalid"; errors: LabelError[] };

export interface EvaluationContext {
  settings: AgentSettings;
  env: Record<string, string | undefined>;
  extraEngines: string[];
}

/** What the agent makes of one container's labels; shared by the scheduler and `check`. */
export function evaluateContainer(container: LabelledContainer, context: EvaluationContext): ContainerVerdict {
  const enabledText = container.labels["backup.enabled"];
  if (enabledText === undefined) {
    return {
      kind: "invalid",
      errors: [{ label: "backup.enabled", reason: "is missing; backup.* labels do nothing without it" }],
    };
  }
  const enabled = parseBoolean(enabledText);
  if (enabled === undefined) {
    return {
      kind: "invalid",
      errors: [{ label: "backup.enabled", reason: `must be ${BOOLEAN_FORMS}, got ${JSON.stringify(enabledText)}` }],
    };
  }
  if (!enabled) return { kind: "disabled" };
  const result = parseBackupLabels(container, context.settings, context.env, { extraEngines: context.extraEngines });
  if (!result.ok) return { kind: "invalid", errors: result.errors };
  return { kind: "valid", spec: result.spec, warnings: result.warnings ?? [] };
}

/** Two containers that resolve to one target: the first keeps it, the others are errors. */
export function duplicateTargetError(spec: BackupSpec, other: BackupSpec): LabelError {
  return {
    label: "backup.enabled",
    reason: `target ${spec.identity} is already backed up from ${other.containerName}`,
  };
}
