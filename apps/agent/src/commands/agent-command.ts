import type { AgentSettings } from "@lb/labels";
import { startAgent } from "../agent.js";
import { createLogger } from "../logging/create-logger.js";
import { SecretSet } from "../logging/secret-set.js";

/** Runs the agent until SIGTERM or SIGINT, then shuts it down cleanly. */
export async function runAgentCommand(settings: AgentSettings, env: Record<string, string | undefined>): Promise<void> {
  const secrets = new SecretSet();
  const logger = createLogger(settings.logLevel, secrets);
  const agent = await startAgent({ settings, env, logger, secrets });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ event: "agent.stopping", signal }, "stopping");
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await agent.stop();
}
