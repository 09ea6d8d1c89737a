import { createRedactor } from "@lb/core";

/**
 * Every secret the agent has seen (settings, connection passwords, the credentials in
 * containers' environments), so that each log line can be scrubbed of all of them.
 */
export class SecretSet {
  private readonly secrets = new Set<string>();
  private redactor = createRedactor([]);

  add(...values: Array<string | undefined>): void {
    let changed = false;
    for (const value of values) {
      if (!value || this.secrets.has(value)) continue;
      this.secrets.add(value);
      // As it appears inside a JSON log line, with quotes and backslashes escaped.
      this.secrets.add(JSON.stringify(value).slice(1, -1));
      changed = true;
    }
    if (changed) this.redactor = createRedactor(this.secrets);
  }

  redact(text: string): string {
    return this.redactor(text);
  }
}
