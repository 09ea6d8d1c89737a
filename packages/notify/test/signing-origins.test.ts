import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { originOf, parseOrigin, shouldSign, signingOrigins } from "../src/index.js";

describe("originOf", () => {
  it("normalises as browsers compare origins", () => {
    expect(originOf("https://Hooks.Example.COM:443/path?token=x")).toBe("https://hooks.example.com");
    expect(originOf("http://127.0.0.1:8080/hook")).toBe("http://127.0.0.1:8080");
    expect(originOf("http://[::1]:9000/")).toBe("http://[::1]:9000");
    expect(originOf("https://user:pw@hooks.example.com/x")).toBe("https://hooks.example.com");
  });

  it("has none for what is not an http(s) URL", () => {
    for (const text of ["", "hooks.example.com", "ftp://hooks.example.com", "file:///etc/passwd", "javascript:1"]) {
      expect(originOf(text)).toBeUndefined();
    }
  });
});

describe("parseOrigin", () => {
  it("accepts an origin, with a port or a trailing slash", () => {
    expect(parseOrigin("https://hooks.example.com")).toBe("https://hooks.example.com");
    expect(parseOrigin("https://hooks.example.com/")).toBe("https://hooks.example.com");
    expect(parseOrigin("http://10.0.0.5:8080")).toBe("http://10.0.0.5:8080");
    expect(parseOrigin("HTTPS://HOOKS.example.com:443")).toBe("https://hooks.example.com");
  });

  it("refuses anything more or less than an origin", () => {
    for (const text of [
      "https://hooks.example.com/path",
      "https://hooks.example.com?x=1",
      "https://hooks.example.com/?",
      "https://hooks.example.com#frag",
      "https://user:pw@hooks.example.com",
      "https://user@hooks.example.com",
      "hooks.example.com",
      "*",
      "ftp://hooks.example.com",
      "",
    ]) {
      expect(parseOrigin(text), text).toBeUndefined();
    }
  });
});

describe("signingOrigins", () => {
  it("is WEBHOOK_URL's origin plus the allowed ones, without duplicates", () => {
    expect(signingOrigins("https://hooks.example.com/services/T0?token=x", ["https://other.example.com"])).toEqual([
      "https://hooks.example.com",
      "https://other.example.com",
    ]);
    expect(signingOrigins("https://hooks.example.com/a", ["https://hooks.example.com"])).toEqual([
      "https://hooks.example.com",
    ]);
    expect(signingOrigins(undefined, [])).toEqual([]);
  });
});

describe("shouldSign", () => {
  const origins = ["https://hooks.example.com", "http://127.0.0.1:8080"];

  it("signs any path on a listed origin", () => {
    expect(shouldSign("https://hooks.example.com/services/T0/B0/xyz", origins)).toBe(true);
    expect(shouldSign("https://HOOKS.example.com:443/other?token=1", origins)).toBe(true);
    expect(shouldSign("http://bot:pw@127.0.0.1:8080/in", origins)).toBe(true);
  });

  it("does not sign another scheme, host or port, nor look-alikes", () => {
    for (const url of [
      "http://hooks.example.com/services",
      "https://hooks.example.com:8443/",
      "https://hooks.example.com.evil.test/",
      "https://evil.test/https://hooks.example.com",
      "https://hooks.example.com@evil.test/",
      "http://127.0.0.1:8081/in",
      "http://localhost:8080/in",
      "not a url",
    ]) {
      expect(shouldSign(url, origins), url).toBe(false);
    }
  });

  it("signs nothing with no origins", () => {
    expect(shouldSign("https://hooks.example.com/", [])).toBe(false);
  });

  it("signs exactly the URLs whose parsed origin is listed", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const origin = new URL(url).origin;
        expect(shouldSign(url, [origin])).toBe(true);
        expect(shouldSign(url, origins)).toBe(origins.includes(origin));
      }),
    );
  });
});
