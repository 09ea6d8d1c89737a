import { allowsNothing, type EnvAllowList, isEnvAllowed, NO_ENV_ALLOWED } from "./env-allow-list.js";

/** What a `${NAME}` reference resolves to; a refusal names the variable, never a value. */
export type VariableLookup = { ok: true; value: string } | { ok: false; reason: string };

/**
 * The part of the agent's environment a label may read. Every `${NAME}` in a label goes
 * through this, so a variable outside the operator's allow-list is never even read.
 */
export type LabelEnv = (name: string) => VariableLookup;

/** The agent's environment as labels see it: only the variables `allow` lets through. */
export function labelEnv(env: Record<string, string | undefined>, allow: EnvAllowList): LabelEnv {
  return (name) => {
    if (!isEnvAllowed(allow, name)) {
      const why = allowsNothing(allow) ? ", which is unset, so labels may not read the agent's environment" : "";
      return { ok: false, reason: `\${${name}} is not in LABEL_ENV_ALLOW${why}` };
    }
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value === undefined)
      return { ok: false, reason: `refers to \${${name}}, which is not set in the agent's environment` };
    return { ok: true, value };
  };
}

/** Labels that may read nothing: every reference is refused. */
export const NO_LABEL_ENV: LabelEnv = labelEnv({}, NO_ENV_ALLOWED);
