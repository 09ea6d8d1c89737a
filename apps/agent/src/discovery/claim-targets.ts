import type { BackupSpec } from "@lb/core";
import type { LabelledContainer } from "@lb/discovery";
import {
  type ContainerVerdict,
  duplicateTargetError,
  type EvaluationContext,
  evaluateContainer,
} from "./evaluate-container.js";

export interface Claim {
  container: LabelledContainer;
  verdict: ContainerVerdict;
}

/**
 * Every container's verdict, with one owner per target identity. Labels are written by
 * whoever starts a container, so a newcomer that copies another's compose labels must not
 * take its target (and with it the retention applied to its backups): the container that
 * already owns the identity keeps it, else the oldest by creation time (then by id, so the
 * choice is the same on every run). The others are reported invalid, naming the owner.
 * Scheduling, `check`, `gc` and the commands all decide through here.
 */
export function claimTargets(
  containers: LabelledContainer[],
  context: EvaluationContext,
  currentOwners: ReadonlyMap<string, string> = new Map(),
): Claim[] {
  const claims = containers.map((container) => ({ container, verdict: evaluateContainer(container, context) }));
  const byIdentity = new Map<string, Array<{ claim: Claim; spec: BackupSpec }>>();
  for (const claim of claims) {
    if (claim.verdict.kind !== "valid") continue;
    const spec = claim.verdict.spec;
    byIdentity.set(spec.identity, [...(byIdentity.get(spec.identity) ?? []), { claim, spec }]);
  }
  for (const [identity, claimants] of byIdentity) {
    const owner = currentOwners.get(identity);
    claimants.sort(
      (a, b) =>
        Number(b.claim.container.id === owner) - Number(a.claim.container.id === owner) ||
        a.claim.container.created - b.claim.container.created ||
        a.claim.container.id.localeCompare(b.claim.container.id),
    );
    const [winner, ...losers] = claimants;
    if (!winner) continue;
    for (const loser of losers) {
      loser.claim.verdict = { kind: "invalid", errors: [duplicateTargetError(loser.spec, winner.spec)] };
    }
  }
  return claims;
}

/** The valid specs among claims, one per target. */
export function claimedSpecs(claims: Claim[]): BackupSpec[] {
  return claims.flatMap((claim) => (claim.verdict.kind === "valid" ? [claim.verdict.spec] : []));
}
