import { describe, expect, test } from "vitest";
import { targetIdentity } from "../src/index.js";

const compose = (project: string, service: string, extra: Record<string, string> = {}) => ({
  "com.docker.compose.project": project,
  "com.docker.compose.service": service,
  ...extra,
});

describe("targetIdentity", () => {
  test("compose project and service", () => {
    expect(targetIdentity({ id: "a1", name: "shop-db-1", labels: compose("shop", "db") })).toBe("shop/db");
  });

  test("survives re-creation: a new id and name give the same identity", () => {
    const before = targetIdentity({ id: "a1", name: "shop-db-1", labels: compose("shop", "db") });
    const after = targetIdentity({ id: "b2", name: "shop_db_1", labels: compose("shop", "db") });
    expect(after).toBe(before);
  });

  test("replicas after the first keep their own identity", () => {
    expect(
      targetIdentity({
        id: "a",
        name: "x",
        labels: compose("shop", "db", { "com.docker.compose.container-number": "1" }),
      }),
    ).toBe("shop/db");
    expect(
      targetIdentity({
        id: "b",
        name: "y",
        labels: compose("shop", "db", { "com.docker.compose.container-number": "2" }),
      }),
    ).toBe("shop/db/2");
  });

  test("the container name without Docker's leading slash otherwise", () => {
    expect(targetIdentity({ id: "a1", name: "/postgres-db", labels: {} })).toBe("postgres-db");
    expect(targetIdentity({ id: "a1", name: "postgres-db", labels: { "com.docker.compose.project": "shop" } })).toBe(
      "postgres-db",
    );
    expect(targetIdentity({ id: "a1", name: "postgres-db", labels: compose("shop", " ") })).toBe("postgres-db");
  });

  test("the id only when there is no name at all", () => {
    expect(targetIdentity({ id: "a1", name: "", labels: {} })).toBe("a1");
  });
});
