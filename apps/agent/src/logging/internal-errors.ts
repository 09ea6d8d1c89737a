import { errorMessage } from "@lb/core";
import type { AgentLogger } from "./create-logger.js";

/**
 * A bug that throws outside any run (a stream error nobody listened to, a forgotten
 * promise) must not take down an agent that guards other targets' backups: it is logged,
 * with secrets masked like every log line, and the agent keeps running. Runs still end:
 * their own timeouts and the runner's abandonment do not depend on the code that threw.
 */
export function logInternalErrors(logger: AgentLogger): void {
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => {
    logger.error(
      { event: "agent.internal_error", kind: "unhandled rejection", error: errorMessage(reason) },
      "internal error",
    );
  });
  process.on("uncaughtException", (error) => {
    logger.error(
      { event: "agent.internal_error", kind: "uncaught exception", error: errorMessage(error) },
      "internal error",
    );
  });
}
