import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MIN_EMBEDDED_SECRET_LENGTH } from "../src/logging/text-redactor.js";
import { captureLog } from "./log-capture.js";

/** The fields pino writes itself, from no caller's value. */
const ENVELOPE = new Set(["level", "time", "name", "msg"]);

// Secrets hold no `*`: masking writes `***`, which could otherwise spell a secret anew.
const secret = fc
  .oneof(
    fc.constantFrom('"', "\\", "a", "}", ",", ":", "\n", "\u2028", "null", '","'),
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 8 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }),
  )
  .filter((text) => !text.includes("*"));

/** Log values built around the secrets: whole, inside other text, or unrelated. */
function logValues(secrets: readonly string[]) {
  const text = fc.oneof(
    fc.constantFrom(...secrets),
    fc
      .array(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom(...secrets)), { maxLength: 4 })
      .map((parts) => parts.join("")),
  );
  const key = text.filter((k) => !ENVELOPE.has(k) && k !== "__proto__");
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      text,
      fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    ),
  }));
  return { text, fields: fc.dictionary(key, value, { maxKeys: 6 }) };
}

/** Every string a parsed line holds (keys too), and every number's digits. */
function contentsOf(value: unknown, out = { strings: [] as string[], digits: [] as string[] }) {
  if (typeof value === "string") out.strings.push(value);
  else if (typeof value === "number") out.digits.push(String(value));
  else if (Array.isArray(value)) for (const item of value) contentsOf(item, out);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.strings.push(key);
      contentsOf(item, out);
    }
  }
  return out;
}

describe("for arbitrary secrets and log fields", () => {
  test("every line is JSON, no secret of 4+ characters appears in it, and no string value is a secret", () => {
    const scenario = fc.uniqueArray(secret, { minLength: 1, maxLength: 5 }).chain((secrets) => {
      const { text, fields } = logValues(secrets);
      return fc.tuple(fc.constant(secrets), fc.array(fc.tuple(fields, text), { minLength: 1, maxLength: 3 }));
    });
    fc.assert(
      fc.property(scenario, ([secrets, calls]) => {
        const { logger, lines } = captureLog("info", ...secrets);
        for (const [fields, message] of calls) logger.info(fields, message);

        expect(lines).toHaveLength(calls.length);
        const long = secrets.filter((s) => s.length >= MIN_EMBEDDED_SECRET_LENGTH);
        for (const line of lines) {
          // What the caller gave, with pino's own fields set aside. The check is on the parsed
          // strings: in the raw text a secret such as `","a` could be spelled by JSON syntax.
          const { level: _level, time: _time, name: _name, ...given } = JSON.parse(line) as Record<string, unknown>;
          const { strings, digits } = contentsOf(given);
          for (const text of [...strings, ...digits]) for (const s of long) expect(text).not.toContain(s);
          // Whole values are masked at any length (numbers excepted: a count of 1 is not the password "1").
          for (const text of strings) if (text !== "msg") expect(secrets).not.toContain(text);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
