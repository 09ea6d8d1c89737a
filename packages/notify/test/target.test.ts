import { describe, expect, it } from "vitest";
import { parseWebhookTarget } from "../src/index.js";

describe("parseWebhookTarget", () => {
  it("keeps path and query for the request and logs only the origin", () => {
    const parsed = parseWebhookTarget("https://hooks.example.com:8443/services/T0/B0/XyZsecretPath?token=abcd1234#x");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.target.requestUrl).toBe(
      "https://hooks.example.com:8443/services/T0/B0/XyZsecretPath?token=abcd1234#x",
    );
    expect(parsed.target.logTarget).toBe("https://hooks.example.com:8443");
    expect(parsed.target.authorization).toBeUndefined();
  });

  it("turns userinfo into Basic authorization, since fetch refuses credentials in a URL", () => {
    const parsed = parseWebhookTarget("http://bot:p%40ss@hooks.local/in");
    if (!parsed.ok) throw new Error("expected ok");
    expect(parsed.target.requestUrl).toBe("http://hooks.local/in");
    expect(parsed.target.authorization).toBe(`Basic ${Buffer.from("bot:p@ss").toString("base64")}`);
    expect(parsed.target.logTarget).toBe("http://hooks.local");
  });

  it("masks every secret-looking part of the URL in a message that quotes it", () => {
    const url = "https://u:pw123456@hooks.example.com/api/webhooks/123/tok3nTok3nTok3n?key=qwerty99&x=1";
    const parsed = parseWebhookTarget(url);
    if (!parsed.ok) throw new Error("expected ok");
    const message = `Failed to parse URL from ${url}; path /api/webhooks/123/tok3nTok3nTok3n; key qwerty99`;
    const redacted = parsed.target.redact(message);
    expect(redacted).not.toMatch(/pw123456|tok3nTok3nTok3n|qwerty99/);
    expect(redacted).toContain("Failed to parse URL from");
  });

  it("refuses what is not an http(s) URL, without echoing it", () => {
    expect(parseWebhookTarget("not a url?token=abc")).toEqual({ ok: false, error: "not a valid URL" });
    const ftp = parseWebhookTarget("ftp://files.example.com/drop?token=abc");
    expect(ftp.ok).toBe(false);
    if (!ftp.ok) expect(ftp.error).not.toContain("token");
  });
});
