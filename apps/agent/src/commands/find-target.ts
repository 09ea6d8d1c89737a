import type { BackupSpec } from "@lb/core";
import { type LabelledContainer, listLabelledContainers } from "@lb/discovery";
import type { LabelError } from "@lb/labels";
import type { AgentContext } from "../agent-context.js";
import { type Claim, claimedSpecs, claimTargets } from "../discovery/claim-targets.js";

export type FoundTarget =
  | { ok: true; container: LabelledContainer; spec: BackupSpec }
  | { ok: false; message: string; errors?: LabelError[] };

/** Every running labelled container's verdict, one owner per target, as the agent decides them. */
async function claims(context: AgentContext): Promise<Claim[]> {
  return claimTargets(await listLabelledContainers(context.docker), {
    settings: context.settings,
    env: context.env,
    extraEngines: [...context.dumpers.keys()],
  });
}

/** A running labelled container by name (or by target identity), with its validated spec. */
export async function findTarget(context: AgentContext, name: string): Promise<FoundTarget> {
  const all = await claims(context);
  const byName = all.find((claim) => claim.container.name === name.replace(/^\//, ""));
  if (byName) {
    const { container, verdict } = byName;
    if (verdict.kind === "invalid") {
      return { ok: false, message: `container ${container.name} has invalid backup labels`, errors: verdict.errors };
    }
    if (verdict.kind === "disabled")
      return { ok: false, message: `container ${container.name} has backup.enabled=false` };
    return { ok: true, container, spec: verdict.spec };
  }
  for (const { container, verdict } of all) {
    if (verdict.kind === "valid" && verdict.spec.identity === name) return { ok: true, container, spec: verdict.spec };
  }
  return { ok: false, message: `no running container named ${name} has backup labels` };
}

/** All specs of running labelled containers, one per target; invalid ones are left out. */
export async function currentSpecs(context: AgentContext): Promise<BackupSpec[]> {
  return claimedSpecs(await claims(context));
}
