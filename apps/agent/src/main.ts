import { errorMessage } from "@lb/core";
import { main } from "./cli.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`label-backup: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
