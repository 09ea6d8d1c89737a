import { ConfigError, errorMessage } from "@lb/core";
import { type AgentSettings, loadAgentSettings } from "@lb/labels";

/** The settings, or a message for stderr naming the variable that is wrong. */
export function loadSettingsOrExplain(
  env: Record<string, string | undefined>,
): { ok: true; settings: AgentSettings } | { ok: false; message: string } {
  try {
    return { ok: true, settings: loadAgentSettings(env) };
  } catch (error) {
    const message = ConfigError.isInstance(error) ? `invalid configuration: ${error.message}` : errorMessage(error);
    return { ok: false, message };
  }
}
