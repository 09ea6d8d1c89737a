import { startAgent } from "../agent.js";
import type { AgentContext } from "../agent-context.js";
import type { AgentLogger } from "../logging/create-logger.js";
import type { SecretSet } from "../logging/secret-set.js";

/** Runs the agent until SIGTERM or SIGINT, then shuts it down cleanly. */
export async function runAgentCommand(context: AgentContext, logger: AgentLogger, secrets: SecretSet): Promise<void> {
  const agent = await startAgent({ context, logger, secrets });
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
