import { errorMessage } from "@lb/core";
import { main } from "./cli.js";

// Parallel gzip runs on libuv's thread pool, sized once at its first use: room for the
// compression threads plus the file system's own work.
const threads = Number(process.env.COMPRESSION_THREADS);
if (!process.env.UV_THREADPOOL_SIZE && threads > 2) process.env.UV_THREADPOOL_SIZE = String(Math.min(threads + 2, 64));

// A bug that leaves a promise unhandled must not take down an agent that guards other
// targets' backups: it is reported, and the agent keeps running.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`label-backup: internal error (unhandled rejection): ${errorMessage(reason)}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A finished command ends even if a handle stays open (a socket to an engine that
    // went away mid-request); the timer itself keeps nothing alive.
    setTimeout(() => process.exit(code), 5000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`label-backup: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
