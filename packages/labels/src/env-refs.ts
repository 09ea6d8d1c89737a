import type { LabelEnv } from "./label-env.js";

/** A piece of a template: literal text, or a `${NAME}` reference to the agent's environment. */
export type TemplatePart = { text: string } | { variable: string };

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits text on `${NAME}` references. A lone `$` is literal (passwords often hold one);
 * an unterminated `${` or a reference that is not a variable name is an error. Reasons
 * never quote the text, since it may hold a password.
 */
export function splitReferences(template: string): { ok: true; parts: TemplatePart[] } | { ok: false; reason: string } {
  const parts: TemplatePart[] = [];
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf("${", position);
    if (open < 0) break;
    if (open > position) parts.push({ text: template.slice(position, open) });
    const close = template.indexOf("}", open + 2);
    if (close < 0) return { ok: false, reason: "has a ${ without its closing }" };
    const name = template.slice(open + 2, close);
    if (!VARIABLE_NAME.test(name)) {
      return { ok: false, reason: "has a ${...} reference that is not a variable name (letters, digits and _)" };
    }
    parts.push({ variable: name });
    position = close + 1;
  }
  if (position < template.length) parts.push({ text: template.slice(position) });
  return { ok: true, parts };
}

export type ResolveResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Joins parts, looking each reference up through `env` (which enforces LABEL_ENV_ALLOW);
 * literal text passes through `literal`. Stops at the first reference `env` refuses.
 */
export function resolveParts(
  parts: readonly TemplatePart[],
  env: LabelEnv,
  literal: (text: string) => string = (text) => text,
): ResolveResult {
  let value = "";
  for (const part of parts) {
    if ("text" in part) {
      value += literal(part.text);
      continue;
    }
    const found = env(part.variable);
    if (!found.ok) return found;
    value += found.value;
  }
  return { ok: true, value };
}

/** Whether text holds a `${NAME}` reference at all. */
export function hasReference(text: string): boolean {
  return /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(text);
}
