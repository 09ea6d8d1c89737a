import { describe, expect, test } from "vitest";
import { captureLog } from "./log-capture.js";

const LONG = "correct-horse-battery-staple";

/** A logger at trace level whose lines are kept, and the secrets it masks. */
const capture = (...secrets: string[]) => captureLog("trace", ...secrets);

describe("log lines with short and awkward secrets", () => {
  // A container's password is a single quote, another's one letter, another's a backslash.
  const secrets = ['"', "a", "\\", LONG];

  test("every line is JSON, the long password never appears, and short secrets do not blank text", () => {
    const { logger, lines, parsed } = capture(...secrets);
    logger.info(
      {
        event: "backup.started",
        password: '"',
        letter: "a",
        backslash: "\\",
        nested: { deeper: { password: LONG, list: ['"', "a", "\\", `with ${LONG} inside`] } },
        quoted: 'she said "hello" at a café \\ done',
      },
      `message with "quotes", the letter a and ${LONG}`,
    );
    logger.warn(`only a message: ${LONG} and "a" and \\`);
    logger.error({ error: `pg_dump: password authentication failed for "${LONG}"` }, "backup failed");

    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const line of lines) expect(line).not.toContain(LONG);

    const [first, second, third] = parsed();
    // Whole values equal to a secret are masked, whatever their length.
    expect(first).toMatchObject({ password: "***", letter: "***", backslash: "***" });
    expect(first!.nested).toEqual({
      deeper: { password: "***", list: ["***", "***", "***", "with *** inside"] },
    });
    // Inside longer text, short secrets are left alone: quotes, letters and backslashes survive.
    expect(first!.quoted).toBe('she said "hello" at a café \\ done');
    expect(first!.msg).toBe('message with "quotes", the letter a and ***');
    expect(first!.event).toBe("backup.started");
    expect(second!.msg).toBe('only a message: *** and "a" and \\');
    expect(third).toMatchObject({ error: 'pg_dump: password authentication failed for "***"', msg: "backup failed" });
  });

  test("pino's own fields are untouched", () => {
    const { logger, parsed } = capture("label", "info", "30");
    logger.info({ event: "x" }, "hello");
    expect(parsed()[0]).toMatchObject({ level: 30, name: "label-backup", msg: "hello", event: "x" });
  });
});

describe("what is masked", () => {
  test("URI passwords in any string, even ones the set does not hold", () => {
    const { logger, parsed } = capture("a");
    logger.info({ conn: "mysql://root:a@db:3306/app", note: "see postgres://u:unknown-pw@db/app for details" });
    expect(parsed()[0]).toMatchObject({
      conn: "mysql://root:***@db:3306/app",
      note: "see postgres://u:***@db/app for details",
    });
  });

  test("URI-encoded secrets", () => {
    const { logger, lines } = capture("p@ss/word!");
    logger.info({ uri: "redis://cache:6379?password=p%40ss%2Fword!" });
    expect(lines[0]).not.toContain("p%40ss%2Fword!");
  });

  test("errors: message, stack and type, as the first argument or a field", () => {
    const { logger, parsed, lines } = capture(LONG, "q");
    logger.error(new Error(`connect failed with ${LONG}`));
    logger.error({ err: new TypeError(`bad ${LONG}`), attempt: 2 }, "gave up");
    logger.error(new Error("q"), "with its own message");
    for (const line of lines) expect(line).not.toContain(LONG);
    const [first, second, third] = parsed();
    expect(first).toMatchObject({
      msg: "connect failed with ***",
      err: { type: "Error", message: "connect failed with ***" },
    });
    expect((first!.err as { stack: string }).stack).toMatch(/^Error: connect failed with \*\*\*\n/);
    expect(second).toMatchObject({ msg: "gave up", attempt: 2, err: { type: "TypeError", message: "bad ***" } });
    expect(third).toMatchObject({ msg: "with its own message", err: { message: "***" } });
  });

  test("format arguments are whole values", () => {
    const { logger, parsed } = capture("a");
    logger.info("password %s for %s", "a", "app");
    expect(parsed()[0]!.msg).toBe("password *** for app");
  });

  test("keys, arrays, dates and objects with toJSON", () => {
    const { logger, parsed } = capture(LONG);
    logger.info({ [LONG]: 1, at: new Date(0), custom: { toJSON: () => `json ${LONG}` }, list: [[LONG]] });
    expect(parsed()[0]).toMatchObject({
      "***": 1,
      at: "1970-01-01T00:00:00.000Z",
      custom: "json ***",
      list: [["***"]],
    });
  });

  test("numbers: a one-digit secret leaves counts alone; a long one is masked in the digits", () => {
    const { logger, parsed } = capture("1", "4567");
    logger.info({ attempts: 1, bytes: 1234567, port: 5432 });
    expect(parsed()[0]).toMatchObject({ attempts: 1, bytes: "123***", port: 5432 });
  });

  test("secrets added later apply to later lines, child loggers included", () => {
    const { logger, secrets, parsed } = capture();
    const child = logger.child({ target: "shop/db" });
    child.info({ password: LONG }, "before");
    secrets.add(LONG);
    child.info({ password: LONG }, `after ${LONG}`);
    const [before, after] = parsed();
    expect(before).toMatchObject({ target: "shop/db", password: LONG });
    expect(after).toMatchObject({ target: "shop/db", password: "***", msg: "after ***" });
  });

  test("a circular value is logged; a value that cannot be read is dropped, not logged unmasked", () => {
    const { logger, lines, parsed } = capture(LONG);
    const circular: Record<string, unknown> = { name: LONG };
    circular.self = circular;
    logger.info({ circular });
    logger.info({
      get trap(): string {
        throw new Error(LONG);
      },
    });
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain(LONG);
    const [first, second] = parsed();
    expect(first).toMatchObject({ circular: { name: "***", self: "[Circular]" } });
    expect(second).toMatchObject({ event: "log.unreadable" });
  });
});
