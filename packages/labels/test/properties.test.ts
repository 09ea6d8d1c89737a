import fc from "fast-check";
import cron from "node-cron";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  formatDuration,
  LABELS,
  loadAgentSettings,
  nextRuns,
  normalisePrefix,
  parseBackupLabels,
  parseConnUri,
  parseDuration,
  parseSchedule,
} from "../src/index.js";
import { defaultSettings, s3Settings } from "./fixtures.js";

/** Every string anywhere inside a value, for leak checks that JSON escaping cannot hide. */
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

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", " ", "\u0000", "${", "${X}", "%", "@", "/", "..", "\\", "0", "-1"),
);

const plausibleValues: Record<string, fc.Arbitrary<string>> = {
  [LABELS.enabled]: fc.constantFrom("true", "false", "TRUE", "1", "0", "yes", ""),
  [LABELS.type]: fc.constantFrom(
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "redis",
    "volume",
    "oracle",
    "",
  ),
  [LABELS.cron]: fc.constantFrom(
    "0 2 * * *",
    "*/30 * * * * *",
    "@daily",
    "@every 1h30m",
    "@every 0s",
    "0 0 31 2 *",
    "61 * * * *",
    "CRON_TZ=Europe/Paris 0 3 * * *",
    "",
  ),
  [LABELS.conn]: fc.constantFrom(
    "postgres://u:p@db:5432/app?sslmode=require",
    "mysql://root:pw@mysql/shop",
    "mongodb+srv://u:p@cluster.example.com/app",
    "redis://:pw@cache:6379/1",
    "postgres://u:${PW}@db/app",
    "postgres://u:${NOT_SET}@db/app",
    "nonsense",
  ),
  [LABELS.database]: fc.constantFrom("app", "0", "", "my db"),
  [LABELS.dest]: fc.constantFrom("local", "remote", "s3", "ftp", ""),
  [LABELS.prefix]: fc.constantFrom("customer_xyz/daily_backups", "/abs", "../up", "a\\b", "", "a//b/"),
  [LABELS.webhook]: fc.constantFrom("https://hooks.example.com/x", "ftp://x", "", "not a url"),
  [LABELS.webhookOn]: fc.constantFrom("always", "failure", "sometimes"),
  [LABELS.mode]: fc.constantFrom("exec", "client", "auto", "ssh"),
  [LABELS.retention]: fc.constantFrom("7d", "24h", "90m", "4w", "1h30m", "7d12h", "5", "0", "-1", "forever", ""),
  [LABELS.path]: fc.constantFrom("/var/lib/data", "relative", "", "/"),
};

const labelName = fc.oneof(
  fc.constantFrom(...Object.values(LABELS)),
  fc.string().map((s) => `backup.${s}`),
  fc.string(),
);

const labelMap = fc
  .array(
    labelName.chain((name) =>
      fc.tuple(
        fc.constant(name),
        Object.hasOwn(plausibleValues, name) ? fc.oneof(plausibleValues[name]!, anyText) : anyText,
      ),
    ),
    { maxLength: 16 },
  )
  .map((entries) => Object.fromEntries(entries) as Record<string, string>);

const envMap = fc.dictionary(fc.constantFrom("PW", "DB", "HOST", "X"), anyText);

describe("random label maps", () => {
  test("never throw, and every result is well formed", () => {
    fc.assert(
      fc.property(labelMap, fc.boolean(), envMap, (labels, withS3, env) => {
        const result = parseBackupLabels(
          { id: "c0ffee", name: "db", labels },
          withS3 ? s3Settings : defaultSettings,
          env,
        );
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error.label.startsWith("backup.")).toBe(true);
            expect(error.reason.length).toBeGreaterThan(0);
          }
          return;
        }
        const { spec } = result;
        expect(["local", "remote"]).toContain(spec.dest);
        expect(spec.prefix.startsWith("/")).toBe(false);
        expect(spec.prefix.split("/")).not.toContain("..");
        expect(spec.retentionSeconds).toBeGreaterThan(0);
        expect(Number.isInteger(spec.retentionSeconds)).toBe(true);
        expect(nextRuns(spec.schedule, new Date("2025-01-01T00:00:00Z"), 3)).toHaveLength(3);
      }),
      { numRuns: 1000 },
    );
  });

  test("random cron text never throws and only yields schedules node-cron accepts", () => {
    const cronText = fc.oneof(
      anyText,
      fc
        .array(
          fc.constantFrom(
            "*",
            "0",
            "5",
            "*/15",
            "1-5",
            "L",
            "?",
            "mon",
            "jan",
            "1#2",
            "5L",
            "15W",
            "60",
            "7",
            ",",
            "-",
          ),
          {
            minLength: 4,
            maxLength: 7,
          },
        )
        .map((fields) => fields.join(" ")),
    );
    fc.assert(
      fc.property(cronText, (text) => {
        const result = parseSchedule(text, "UTC");
        if (result.ok && result.schedule.kind === "cron") expect(cron.validate(result.schedule.expression)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("passwords never leak", () => {
  // A fixed head keeps the password from being a substring of the fixed wording of a message.
  const password = fc.string({ unit: "binary", minLength: 4, maxLength: 24 }).map((tail) => `Pw${tail}`);
  const otherLabels = fc.record(
    {
      [LABELS.type]: plausibleValues[LABELS.type]!,
      [LABELS.cron]: plausibleValues[LABELS.cron]!,
      [LABELS.database]: plausibleValues[LABELS.database]!,
      [LABELS.dest]: plausibleValues[LABELS.dest]!,
      [LABELS.mode]: plausibleValues[LABELS.mode]!,
      [LABELS.retention]: plausibleValues[LABELS.retention]!,
    },
    { requiredKeys: [] },
  );
  const scheme = fc.constantFrom("postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "rediss");
  const hostPart = fc.constantFrom("db:5432", "db", "cluster.example.com", "a:1,b:2", "[::1]:6379", "", "db:bad");
  const pathPart = fc.constantFrom("/app", "", "/0", "/a/b", "/app?sslmode=require", "?authSource=admin");

  test("in errors, warnings, or any spec field but conn", () => {
    fc.assert(
      fc.property(
        password,
        fc.boolean(),
        scheme,
        hostPart,
        pathPart,
        otherLabels,
        (secret, encode, s, host, path, others) => {
          const written = encode ? encodeURIComponent(secret) : secret;
          const labels = { ...others, [LABELS.conn]: `${s}://user:${written}@${host}${path}` } as Record<
            string,
            string
          >;
          const result = parseBackupLabels({ id: "c0ffee", name: "db", labels }, s3Settings, {});
          const exposed = result.ok ? { ...result.spec, conn: undefined, warnings: result.warnings } : result.errors;
          for (const text of stringsIn(exposed)) {
            expect(text).not.toContain(secret);
            expect(text).not.toContain(encodeURIComponent(secret));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("when it comes from ${VAR}", () => {
    const allowPw = loadAgentSettings({ LABEL_ENV_ALLOW: "PW" });
    fc.assert(
      fc.property(password, hostPart, pathPart, (secret, host, path) => {
        const labels = {
          [LABELS.type]: "postgres",
          [LABELS.cron]: "@daily",
          [LABELS.conn]: `postgres://user:\${PW}@${host}${path}`,
        };
        const result = parseBackupLabels({ id: "c0ffee", name: "db", labels }, allowPw, { PW: secret });
        const exposed = result.ok ? { ...result.spec, conn: undefined } : result.errors;
        for (const text of stringsIn(exposed)) {
          expect(text).not.toContain(secret);
          expect(text).not.toContain(encodeURIComponent(secret));
        }
        if (result.ok) expect(parseConnUri(result.spec.conn!)).toMatchObject({ ok: true, conn: { password: secret } });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("round trips", () => {
  test("an encoded password parses back to itself, and the redacted URI hides it", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1 }), fc.string({ unit: "binary" }), (secret, user) => {
        const result = parseConnUri(`postgres://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@db:5432/app`);
        expect(result).toMatchObject({ ok: true, conn: { username: user, password: secret } });
        if (result.ok) expect(result.conn.redacted).toBe(`postgres://${encodeURIComponent(user)}:***@db:5432/app`);
      }),
    );
  });

  test("formatDuration output parses back to the same number of seconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 * 365 * 86_400 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });

  test("normalisePrefix is idempotent and its output is always safe", () => {
    const prefixText = fc.oneof(
      anyText,
      fc
        .array(fc.constantFrom("a", "b_c", ".", "..", "", " x ", "ü", "\\", "\n"), { maxLength: 6 })
        .map((parts) => parts.join("/")),
    );
    fc.assert(
      fc.property(prefixText, (text) => {
        const result = normalisePrefix(text);
        if (!result.ok) return;
        expect(normalisePrefix(result.prefix)).toEqual(result);
        expect(result.prefix.startsWith("/") || result.prefix.endsWith("/")).toBe(false);
        expect(result.prefix.split("/")).not.toContain("..");
        expect(result.prefix).not.toContain("\\");
        expect(
          [...result.prefix].some(
            (c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f),
          ),
        ).toBe(false);
      }),
    );
  });
});

describe("nextRuns against node-cron on random expressions", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const field = (values: string[]) => fc.constantFrom(...values);
  const expression = fc
    .tuple(
      field(["0", "*/20", "15,45"]),
      field(["0", "*/15", "5-10", "30"]),
      field(["*", "0", "*/6", "9-17", "23"]),
      field(["*", "1", "15", "L", "1-7", "28-31", "10W"]),
      field(["*", "2", "1,7", "jan-mar", "*/3"]),
      field(["*", "0", "1-5", "mon", "5L", "2#3", "6"]),
    )
    .map((fields) => fields.join(" "));
  const zone = fc.constantFrom(
    "UTC",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
  );
  const start = fc
    .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(Math.floor(ms / 1000) * 1000));

  test("the same next three runs", () => {
    fc.assert(
      fc.property(expression, zone, start, (text, tz, from) => {
        const parsed = parseSchedule(text, tz);
        if (!parsed.ok) return;
        vi.useFakeTimers({ toFake: ["Date"], now: from });
        const task = cron.createTask(text, () => {}, { timezone: tz });
        try {
          const theirs = task.getNextRuns(3).map((d) => d.toISOString());
          expect(nextRuns(parsed.schedule, from, 3).map((d) => d.toISOString())).toEqual(theirs);
        } finally {
          task.destroy();
          vi.useRealTimers();
        }
      }),
      { numRuns: 150 },
    );
  });
});
