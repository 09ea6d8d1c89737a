import { describe, expect, it } from "vitest";
import { createRedactor, passwordOfUri, redactUri, redactUrisInText } from "../src/index.js";

describe("redaction", () => {
  it("masks the password of a URI and keeps the rest", () => {
    expect(redactUri("postgresql://app:s3cret@db:5432/appdb?sslmode=require")).toBe(
      "postgresql://app:***@db:5432/appdb?sslmode=require",
    );
    expect(redactUri("redis://:onlypass@cache:6379/0")).toBe("redis://:***@cache:6379/0");
    expect(redactUri("mongodb://db/app")).toBe("mongodb://db/app");
  });

  it("masks every URI password in free text", () => {
    expect(redactUrisInText("a mysql://u:p1@h/d and redis://:p2@r")).toBe("a mysql://u:***@h/d and redis://:***@r");
  });

  it("masks given secrets in plain and URI-encoded forms, longest first", () => {
    const redact = createRedactor(["p@ss/word", "p@ss", undefined, ""]);
    expect(redact("raw p@ss/word, encoded p%40ss%2Fword, short p@ss")).toBe("raw ***, encoded ***, short ***");
  });

  it("reads a URI's decoded password", () => {
    expect(passwordOfUri("postgres://u:p%40ss@h/d")).toBe("p@ss");
    expect(passwordOfUri("postgres://u@h/d")).toBeUndefined();
    expect(passwordOfUri("not a uri")).toBeUndefined();
  });
});
