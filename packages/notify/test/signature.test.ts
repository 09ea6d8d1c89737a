import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SIGNATURE_HEADER,
  SIGNATURE_SHA256_HEADER,
  signatureHeaders,
  signBody,
  signTimestamped,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "../src/index.js";

const secret = "whsec-test-0123456789";
const body = JSON.stringify({ event: "backup.failed", id: "1", error: "disk full" });
const t = 1_769_220_000; // 2026-01-24T02:00:00Z
const at = (seconds: number) => new Date(seconds * 1000);

describe("signBody (X-LabelBackup-Signature-SHA256)", () => {
  it("matches a published HMAC-SHA256 test vector", () => {
    // The same vector openssl gives: printf 'Hello, World!' | openssl dgst -sha256 -hmac "It's a Secret to Everybody"
    expect(signBody("It's a Secret to Everybody", "Hello, World!")).toBe(
      "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  it("is the hex HMAC of the raw UTF-8 body, whether given as text or bytes", () => {
    const text = '{"database_name":"café ☕"}';
    const expected = createHmac("sha256", secret).update(Buffer.from(text, "utf8")).digest("hex");
    expect(signBody(secret, text)).toBe(expected);
    expect(signBody(secret, new TextEncoder().encode(text))).toBe(expected);
  });
});

describe("timestamped signature", () => {
  it("signs `<t>.<body>`", () => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signTimestamped(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it("produces all three headers with one timestamp", () => {
    const headers = signatureHeaders(secret, body, at(t));
    expect(headers).toEqual({
      [SIGNATURE_SHA256_HEADER]: signBody(secret, body),
      [TIMESTAMP_HEADER]: String(t),
      [SIGNATURE_HEADER]: signTimestamped(secret, body, t),
    });
  });
});

describe("verifyWebhookSignature", () => {
  const signed = signatureHeaders(secret, body, at(t));

  it("accepts a fresh, untampered delivery, from fetch Headers or Node's lower-cased headers", () => {
    expect(verifyWebhookSignature(secret, body, new Headers(signed), { now: at(t + 10) })).toEqual({
      ok: true,
      timestamp: t,
    });
    const nodeStyle = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhookSignature(secret, Buffer.from(body), nodeStyle, { now: (t - 10) * 1000 }).ok).toBe(true);
  });

  it("rejects a stale or future timestamp beyond the tolerance, and accepts one at its edge", () => {
    const options = (now: number) => ({ now: at(now), toleranceSeconds: 60 });
    expect(verifyWebhookSignature(secret, body, signed, options(t + 60)).ok).toBe(true);
    expect(verifyWebhookSignature(secret, body, signed, options(t + 61))).toEqual({
      ok: false,
      reason: "stale-timestamp",
    });
    expect(verifyWebhookSignature(secret, body, signed, options(t - 61))).toEqual({
      ok: false,
      reason: "stale-timestamp",
    });
    // Default tolerance is five minutes.
    expect(verifyWebhookSignature(secret, body, signed, { now: at(t + 301) }).ok).toBe(false);
    expect(verifyWebhookSignature(secret, body, signed, { now: at(t + 299) }).ok).toBe(true);
  });

  it("rejects a tampered body, a wrong secret and a replayed signature with a new timestamp", () => {
    const now = { now: at(t) };
    const tampered = body.replace("disk full", "all good");
    expect(verifyWebhookSignature(secret, tampered, signed, now)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyWebhookSignature("other-secret", body, signed, now)).toEqual({ ok: false, reason: "mismatch" });
    const digest = signed[SIGNATURE_HEADER]!.split("v1=")[1];
    const moved = { [SIGNATURE_HEADER]: `t=${t + 1000},v1=${digest}` };
    expect(verifyWebhookSignature(secret, body, moved, { now: at(t + 1000) })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("rejects missing and malformed headers", () => {
    const now = { now: at(t) };
    expect(verifyWebhookSignature(secret, body, {}, now)).toEqual({ ok: false, reason: "missing-signature" });
    // The original header alone carries no timestamp, so it cannot prove freshness.
    const legacyOnly = { [SIGNATURE_SHA256_HEADER]: signBody(secret, body) };
    expect(verifyWebhookSignature(secret, body, legacyOnly, now).ok).toBe(false);
    for (const value of ["", "v1=abc", `t=${t}`, `t=abc,v1=${"0".repeat(64)}`, `t=${t},v1=xyz`, `t=${t},t=${t}`]) {
      expect(verifyWebhookSignature(secret, body, { [SIGNATURE_HEADER]: value }, now)).toEqual({
        ok: false,
        reason: "malformed-signature",
      });
    }
    const disagreeing = { ...signed, [TIMESTAMP_HEADER]: String(t + 1) };
    expect(verifyWebhookSignature(secret, body, disagreeing, now)).toEqual({
      ok: false,
      reason: "malformed-signature",
    });
  });

  it("accepts any of several v1 entries and skips unknown schemes", () => {
    const good = signed[SIGNATURE_HEADER]!.split("v1=")[1];
    const header = `t=${t},v0=whatever,v1=${"0".repeat(64)},v1=${good}`;
    expect(verifyWebhookSignature(secret, body, { [SIGNATURE_HEADER]: header }, { now: at(t) }).ok).toBe(true);
  });

  it("verifies what it signs and rejects any single-character change (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 2 }),
        (key, text, position, replacement) => {
          const headers = signatureHeaders(key, text, at(t));
          expect(verifyWebhookSignature(key, text, headers, { now: at(t) }).ok).toBe(true);
          const index = position % text.length;
          const changed = text.slice(0, index) + replacement + text.slice(index + 1);
          fc.pre(changed !== text);
          expect(verifyWebhookSignature(key, changed, headers, { now: at(t) })).toEqual({
            ok: false,
            reason: "mismatch",
          });
        },
      ),
    );
  });
});
