import { databaseImage, runContainer, type TestContainer } from "@lb/testing";
import type Docker from "dockerode";
import { soakLabels } from "./targets.js";

/**
 * A "mongodump" that behaves worse on every run, in turn:
 *   0. 16 hostile bytes (a BSON document whose length is -3), exit 0: the archive check;
 *   1. hangs without a byte: the stall watchdog (BACKUP_STALL_TIMEOUT);
 *   2. the archive magic and a 15 MiB document length, then one byte every 5 s for ever:
 *      progress, so no stall, and only BACKUP_TIMEOUT ends it;
 *   3. the same header, then zeros as fast as the pipe takes them: the document overruns
 *      what it declared and the archive check must stop a tool that would never stop.
 * The run count lives in the container, so the modes go round whatever the agent does.
 */
export const HOSTILE_MONGODUMP = `#!/bin/sh
n=$(cat /tmp/lb-soak-runs 2>/dev/null || echo 0)
echo $((n + 1)) > /tmp/lb-soak-runs
case $((n % 4)) in
  0) printf '\\155\\342\\231\\201\\014\\000\\000\\000\\003a\\000\\375\\377\\377\\377\\000' ;;
  1) exec sleep 3600 ;;
  2) printf '\\155\\342\\231\\201\\000\\000\\360\\000'; while :; do printf x; sleep 5; done ;;
  3) printf '\\155\\342\\231\\201\\000\\000\\360\\000'; exec cat /dev/zero ;;
esac
`;

export const HOSTILE_MODES = ["garbage bytes", "hangs silent", "trickles for ever", "floods for ever"];

/** The labelled container, with the script in place of mongodump; every 10 s, so runs overlap and ticks are skipped. */
export async function startHostileTarget(docker: Docker, runId: string): Promise<TestContainer> {
  const what = "hostile-mongo";
  const container = await runContainer(docker, {
    image: await databaseImage(docker, "postgres"),
    name: `lb-soak-${runId}-${what}`,
    cmd: ["sleep", "infinity"],
    labels: soakLabels(runId, what, "mongodb", "local", "*/10 * * * * *", {
      "backup.database": "appdb",
      "backup.mode": "exec",
    }),
  });
  // Written through the exec's stdin, as the liveness test does: nothing on the host's disk.
  const installed = await container.exec(
    ["sh", "-c", "cat > /usr/local/bin/mongodump && chmod +x /usr/local/bin/mongodump"],
    { stdin: HOSTILE_MONGODUMP },
  );
  if (installed.exitCode !== 0) throw new Error(`could not install the hostile mongodump: ${installed.stderr}`);
  return container;
}

// Reads /proc, so no ps is needed in the image; the patterns come through the environment so that
// this shell's own command line, and its subshells', do not match them.
const FIND_TOOLS = `for d in /proc/[0-9]*; do
  c=$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null)
  case "$c" in *"$P1"*|"$P2"*|"$P3"*) echo "\${d#/proc/} $c" ;; esac
done`;

/** Processes of the hostile tool still alive in the container: a run that ended should have stopped its tool. */
export async function leftoverToolProcesses(container: TestContainer): Promise<string[]> {
  const out = await container.exec(["sh", "-c", FIND_TOOLS], {
    env: ["P1=mongodump", "P2=sleep 3600", "P3=cat /dev/zero"],
  });
  return out.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
