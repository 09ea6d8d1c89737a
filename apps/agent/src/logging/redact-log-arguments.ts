import { redactValue } from "./redact-value.js";
import type { TextRedactor } from "./text-redactor.js";

/**
 * The arguments of one pino call (`info(obj?, msg?, ...formatArgs)`), each masked as a
 * value: the merging object deeply, the message and every format argument as whole
 * strings. An Error passed first becomes `{ err }`, as pino itself would file it, with
 * its message as the line's message unless one was given.
 */
export function redactLogArguments(args: readonly unknown[], redact: TextRedactor): unknown[] {
  const [first, ...rest] = args;
  if (first instanceof Error) {
    const err = redactValue(first, redact) as { message?: unknown };
    const message = rest.length > 0 ? [] : [typeof err.message === "string" ? err.message : undefined];
    return [{ err }, ...message, ...rest.map((arg) => redactValue(arg, redact))];
  }
  return args.map((arg) => redactValue(arg, redact));
}
