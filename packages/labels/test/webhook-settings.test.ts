import { describe, expect, test } from "vitest";
import { loadAgentSettings, readAgentSettings } from "../src/index.js";

function errorsOf(env: Record<string, string>): Array<{ variable: string; reason: string }> {
  const result = readAgentSettings(env);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe("WEBHOOK_ALLOWED_ORIGINS", () => {
  test("comma-separated origins, normalised and without duplicates", () => {
    const settings = loadAgentSettings({
      WEBHOOK_ALLOWED_ORIGINS: " https://Hooks.Example.com:443 , http://10.0.0.5:8080/,,https://hooks.example.com",
    });
    expect(settings.webhook.allowedOrigins).toEqual(["https://hooks.example.com", "http://10.0.0.5:8080"]);
  });

  test("unset or blank is none", () => {
    expect(loadAgentSettings({}).webhook.allowedOrigins).toEqual([]);
    expect(loadAgentSettings({ WEBHOOK_ALLOWED_ORIGINS: "  " }).webhook.allowedOrigins).toEqual([]);
  });

  test("anything more or less than an origin is an error naming the variable and the entry", () => {
    for (const entry of [
      "https://hooks.example.com/path",
      "hooks.example.com",
      "ftp://x.example.com",
      "https://a.b?x",
      "*",
    ]) {
      const errors = errorsOf({ WEBHOOK_ALLOWED_ORIGINS: `https://ok.example.com,${entry}` });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.variable).toBe("WEBHOOK_ALLOWED_ORIGINS");
      expect(errors[0]!.reason).toMatch(/^entry 2 .*is not an origin/);
    }
    expect(() => loadAgentSettings({ WEBHOOK_ALLOWED_ORIGINS: "https://x.example.com/hook" })).toThrow(
      /WEBHOOK_ALLOWED_ORIGINS: entry 1 \(https:\/\/x\.example\.com…\) is not an origin/,
    );
  });

  test("a pasted webhook URL is refused without echoing its token", () => {
    const [error] = errorsOf({
      WEBHOOK_ALLOWED_ORIGINS: "https://hooks.slack.com/services/T0/B0/s3cr3tT0ken?k=q1w2e3",
    });
    expect(error!.reason).toContain("https://hooks.slack.com");
    expect(error!.reason).not.toMatch(/s3cr3tT0ken|q1w2e3|services/);
  });

  test("an entry with credentials is refused without being quoted", () => {
    const [error] = errorsOf({ WEBHOOK_ALLOWED_ORIGINS: "https://ok.example.com,https://bot:hunter2@x.example.com" });
    expect(error!.variable).toBe("WEBHOOK_ALLOWED_ORIGINS");
    expect(error!.reason).toContain("entry 2");
    expect(error!.reason).not.toContain("hunter2");
  });
});

describe("LABEL_WEBHOOKS", () => {
  test("on by default; on and off in any case", () => {
    expect(loadAgentSettings({}).webhook.labelWebhooks).toBe(true);
    expect(loadAgentSettings({ LABEL_WEBHOOKS: "on" }).webhook.labelWebhooks).toBe(true);
    expect(loadAgentSettings({ LABEL_WEBHOOKS: "OFF" }).webhook.labelWebhooks).toBe(false);
  });

  test("anything else is an error naming the variable", () => {
    expect(errorsOf({ LABEL_WEBHOOKS: "maybe" })).toEqual([
      { variable: "LABEL_WEBHOOKS", reason: 'must be on or off, got "maybe"' },
    ]);
  });
});
