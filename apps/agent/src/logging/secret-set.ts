import { redactLogArguments } from "./redact-log-arguments.js";
import { redactValue } from "./redact-value.js";
import { createTextRedactor } from "./text-redactor.js";

/**
 * Every secret the agent has seen (settings, connection passwords, the credentials in
 * containers' environments), so that every value it logs can be scrubbed of all of them.
 * Masking works on values, before pino serializes them (see text-redactor.ts for which
 * secrets are masked where), so a secret such as `"` cannot break a JSON line.
 */
export class SecretSet {
  private readonly secrets = new Set<string>();
  private redactor = createTextRedactor([]);

  add(...values: Array<string | undefined>): void {
    let changed = false;
    for (const value of values) {
      if (!value || this.secrets.has(value)) continue;
      this.secrets.add(value);
      changed = true;
    }
    if (changed) this.redactor = createTextRedactor(this.secrets);
  }

  /** One string value, masked. */
  redact(text: string): string {
    return this.redactor.value(text);
  }

  /** Any value about to be logged, masked deeply. */
  redactValue(value: unknown): unknown {
    return redactValue(value, this.redactor);
  }

  /** The arguments of one logger call, masked. */
  redactLogArguments(args: readonly unknown[]): unknown[] {
    return redactLogArguments(args, this.redactor);
  }
}
