// Runs a command with DOCKER_HOST pointing at a real engine (the one DOCKER_HOST names,
// or a private dockerd started for the run), with the database images built first so
// that every package's tests share one engine and one image cache.
import { spawn } from "node:child_process";
import { connectOrStartDockerEngine, ensureStandInImage } from "@lb/testing";

const [command, ...args] = process.argv.slice(2);
const engine = await connectOrStartDockerEngine();
let code = 1;
try {
  console.log(`test engine: ${engine.dockerHost}${engine.owned ? " (started for this run)" : ""}`);
  if (process.env.LB_TEST_STAND_INS !== "0") await ensureStandInImage(engine.docker, "postgres");
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DOCKER_HOST: engine.dockerHost } });
  // An interrupted run is a failed run, whatever the command says as it shuts down.
  let interrupted;
  const stop = (signal) => {
    interrupted = signal;
    child.kill(signal);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  if (interrupted) {
    console.error(`the run was interrupted (${interrupted})`);
    code = interrupted === "SIGINT" ? 130 : 143;
  }
} finally {
  await engine.stop();
}
process.exit(code);
