import { spawn } from "node:child_process";

/**
 * Whether this build of the agent reads COMPRESSION_THREADS. An unknown variable is
 * ignored, so a run with it set would silently measure the default; instead, give it a
 * value no reader accepts: an agent that knows the variable refuses to start (exit 3,
 * naming it), one that does not goes on.
 */
export function agentReadsCompressionThreads(bin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "check"], {
      env: { PATH: process.env.PATH ?? "", DOCKER_HOST: process.env.DOCKER_HOST ?? "", COMPRESSION_THREADS: "many" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 3 && stderr.includes("COMPRESSION_THREADS")));
  });
}
