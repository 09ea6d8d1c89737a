import { errorMessage } from "@lb/core";
import { main } from "./cli.js";

// A bug that leaves a promise unhandled must not take down an agent that guards other
// targets' backups: it is reported, and the agent keeps running.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`label-backup: internal error (unhandled rejection): ${errorMessage(reason)}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`label-backup: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
