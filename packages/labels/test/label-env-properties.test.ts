import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { LABELS, loadAgentSettings, parseBackupLabels } from "../src/index.js";

// Values of variables outside the allow-list are spelled with Greek letters, which no
// label and no allowed value contains; so any leaked piece of one, plain or
// percent-encoded (%CE.., %CF..), is visible in the output, however the parser cut it.
const MARKER = /[\u03b1-\u03c9]|%c[ef]/i;
const unmarked = (text: string) => !MARKER.test(text);

const NAME_POOL = [
  "PG_PASSWORD",
  "DB_NAME",
  "DB_HOST",
  "DBX",
  "SECRET_ACCESS_KEY",
  "API_TOKEN",
  "WEBHOOK_SECRET",
  "X",
  "_",
] as const;
const variableName = fc.oneof(fc.constantFrom(...NAME_POOL), fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/));

/** An allow-list entry: a name, or a prefix of one followed by `*` (never a bare `*`). */
const allowEntry = fc.oneof(
  variableName,
  variableName.chain((name) => fc.integer({ min: 1, max: name.length }).map((n) => `${name.slice(0, n)}*`)),
);

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("@", ":", "/", "?", "%", "$", "{"),
);
const plainText = anyText.filter(unmarked);
const greek = fc.integer({ min: 0x3b1, max: 0x3c9 }).map((code) => String.fromCharCode(code));
/** A value outside the allow-list: Greek letters mixed with URI syntax, never empty of Greek. */
const markedValue = fc
  .array(fc.oneof(greek, greek, fc.constantFrom("@", ":", "/", "?", "#", "%", "&", "=", " ", "$", "}")), {
    maxLength: 12,
  })
  .map((chars) => `\u03b1${chars.join("")}\u03c9`);

/** A piece of a template: literal text or a reference. */
const piece = fc.oneof(
  plainText,
  variableName.map((name) => `\${${name}}`),
);
const template = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(""));

const reference = variableName.map((name) => `\${${name}}`);
/** A piece that usually parses, so that specs come out and a leak would have somewhere to show. */
const plausible = (...literals: string[]) => fc.oneof(fc.constantFrom(...literals), reference, template);

const connLabel = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom("postgres", "postgresql", "mysql", "mongodb", "redis"),
        plausible("u", ""),
        plausible("pw", ""),
        plausible("db", "db:5432"),
        plausible("app", "0", ""),
        plausible("", "sslmode=require"),
      )
      .map(([scheme, user, password, host, path, query]) => `${scheme}://${user}:${password}@${host}/${path}?${query}`),
  },
  { weight: 1, arbitrary: template },
);

const labelMap = fc
  .record(
    {
      [LABELS.type]: fc.constantFrom("postgres", "postgres", "mysql", "mongodb", "redis", "volume", "clickhouse"),
      [LABELS.cron]: fc.constantFrom("@daily", "0 3 * * *", "bad"),
      [LABELS.conn]: connLabel,
      [LABELS.database]: template,
      [LABELS.prefix]: template,
      [LABELS.webhook]: template,
      [LABELS.path]: template,
      [LABELS.mode]: fc.constantFrom("exec", "client", "auto"),
    },
    { requiredKeys: [LABELS.type, LABELS.cron, LABELS.conn] },
  )
  .filter((labels) => Object.values(labels).every((value) => value === undefined || unmarked(value)))
  .map((labels) => labels as Record<string, string>);

/** An independent statement of the rule: exact names, or names starting with a prefix. */
function allowedBy(entries: readonly string[], name: string): boolean {
  return entries.some((entry) => (entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : entry === name));
}

/** Every string anywhere inside a value, so that JSON escaping cannot hide a leak. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsIn(item, out);
    }
  }
  return out;
}

describe("LABEL_ENV_ALLOW, for arbitrary environments and labels", () => {
  test("no value of a variable outside the allow-list appears in a spec, a warning or an error", () => {
    fc.assert(
      fc.property(
        fc.array(allowEntry, { maxLength: 4 }),
        fc.dictionary(variableName, fc.tuple(plainText, markedValue), { maxKeys: 8 }),
        labelMap,
        (entries, variables, labels) => {
          const settings = loadAgentSettings({ LABEL_ENV_ALLOW: entries.join(",") });
          // Every variable gets a value fit for its side of the list, so the oracle is exact.
          const env = Object.fromEntries(
            Object.entries(variables).map(([name, [plain, marked]]) => [
              name,
              allowedBy(entries, name) ? plain : marked,
            ]),
          );
          for (const name of NAME_POOL) env[name] ??= allowedBy(entries, name) ? "ok" : "\u03b1\u03c9";
          const result = parseBackupLabels({ id: "c0ffee", name: "db", labels }, settings, env);
          for (const text of stringsIn(result)) expect(text).toSatisfy(unmarked);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test("a reference to a variable outside the list is refused, naming it", () => {
    fc.assert(
      fc.property(fc.array(allowEntry, { maxLength: 4 }), variableName, markedValue, (entries, name, value) => {
        fc.pre(!allowedBy(entries, name));
        const settings = loadAgentSettings({ LABEL_ENV_ALLOW: entries.join(",") });
        const labels = {
          [LABELS.type]: "postgres",
          [LABELS.cron]: "@daily",
          [LABELS.conn]: `postgres://u:\${${name}}@db/app`,
        };
        const result = parseBackupLabels({ id: "c0ffee", name: "db", labels }, settings, { [name]: value });
        expect(result).toEqual({
          ok: false,
          errors: [{ label: LABELS.conn, reason: expect.stringContaining(`\${${name}} is not in LABEL_ENV_ALLOW`) }],
        });
      }),
    );
  });

  test("a reference to an allowed variable resolves to its value", () => {
    fc.assert(
      fc.property(
        fc.array(allowEntry, { minLength: 1, maxLength: 4 }),
        variableName,
        fc.string(),
        (entries, name, value) => {
          fc.pre(allowedBy(entries, name));
          const settings = loadAgentSettings({ LABEL_ENV_ALLOW: entries.join(",") });
          const labels = {
            [LABELS.type]: "postgres",
            [LABELS.cron]: "@daily",
            [LABELS.conn]: `postgres://u:\${${name}}@db/app`,
          };
          const result = parseBackupLabels({ id: "c0ffee", name: "db", labels }, settings, { [name]: value });
          expect(result).toMatchObject({
            ok: true,
            spec: { conn: `postgres://u:${encodeURIComponent(value)}@db/app` },
          });
        },
      ),
    );
  });
});
