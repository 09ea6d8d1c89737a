import type { BackupSpec } from "@lb/core";
import { type LabelledContainer, listLabelledContainers } from "@lb/discovery";
import type { LabelError } from "@lb/labels";
import type { AgentContext } from "../agent-context.js";
import { evaluateContainer } from "../discovery/evaluate-container.js";

export type FoundTarget =
  | { ok: true; container: LabelledContainer; spec: BackupSpec }
  | { ok: false; message: string; errors?: LabelError[] };

/** A running labelled container by name (or by target identity), with its validated spec. */
export async function findTarget(context: AgentContext, name: string): Promise<FoundTarget> {
  const containers = await listLabelledContainers(context.docker);
  const evaluate = (container: LabelledContainer) =>
    evaluateContainer(container, {
      settings: context.settings,
      env: context.env,
      extraEngines: [...context.dumpers.keys()],
    });
  const byName = containers.find((c) => c.name === name.replace(/^\//, ""));
  const candidates = byName ? [byName] : containers;
  for (const container of candidates) {
    const verdict = evaluate(container);
    if (byName && verdict.kind === "invalid") {
      return { ok: false, message: `container ${container.name} has invalid backup labels`, errors: verdict.errors };
    }
    if (byName && verdict.kind === "disabled") {
      return { ok: false, message: `container ${container.name} has backup.enabled=false` };
    }
    if (verdict.kind === "valid" && (byName || verdict.spec.identity === name)) {
      return { ok: true, container, spec: verdict.spec };
    }
  }
  return { ok: false, message: `no running container named ${name} has backup labels` };
}

/** All specs of running labelled containers; invalid ones are left out. */
export async function currentSpecs(context: AgentContext): Promise<BackupSpec[]> {
  const specs: BackupSpec[] = [];
  for (const container of await listLabelledContainers(context.docker)) {
    const verdict = evaluateContainer(container, {
      settings: context.settings,
      env: context.env,
      extraEngines: [...context.dumpers.keys()],
    });
    if (verdict.kind === "valid") specs.push(verdict.spec);
  }
  return specs;
}
