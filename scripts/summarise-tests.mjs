// Adds up the JSON reports every package's vitest run left in the folder given, and the
// tasks of turbo's run summary, and prints one closing line. Whatever did not run to a
// verdict counts as failed: a test file that failed to load or in a hook, a task (test or
// typecheck) that exited non-zero without a failed test to show for it, a task that never
// finished (the run was interrupted, or a dependency failed), and a test task that left
// no report.
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";

const [folder, runsFolder] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];
const failuresByPackage = new Map();

for (const name of (await readdir(folder)).filter((file) => file.endsWith(".json"))) {
  const pkg = basename(name, ".json");
  const report = JSON.parse(await readFile(join(folder, name), "utf8"));
  let packageFailures = report.numFailedTests;
  passed += report.numPassedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const fileFailed = file.status === "failed";
    const testsFailed = (file.assertionResults ?? []).some((test) => test.status === "failed");
    if (fileFailed && !testsFailed) {
      packageFailures++;
      reasons.push(`${pkg}: ${file.name}: ${String(file.message ?? "failed outside its tests").split("\n")[0]}`);
    }
  }
  failed += packageFailures;
  failuresByPackage.set(pkg, packageFailures);
}

// Every package with a test script must have left a report: one that did not was cut
// short (an interrupted run) or never started (a dependency failed).
for (const group of ["packages", "apps", "examples"]) {
  for (const name of await readdir(group).catch(() => [])) {
    const manifest = await readFile(join(group, name, "package.json"), "utf8").catch(() => undefined);
    if (!manifest || !JSON.parse(manifest).scripts?.test) continue;
    if (failuresByPackage.has(name)) continue;
    failed++;
    reasons.push(`${group}/${name}: its tests did not run to their end (no report)`);
  }
}

const runs = runsFolder ? (await readdir(runsFolder).catch(() => [])).filter((file) => file.endsWith(".json")) : [];
if (runsFolder && runs.length === 0) {
  failed++;
  reasons.push("turbo left no run summary: the test tasks did not run");
}
for (const run of runs) {
  const summary = JSON.parse(await readFile(join(runsFolder, run), "utf8"));
  for (const task of summary.tasks ?? []) {
    if (task.task !== "test" && task.task !== "typecheck") continue;
    const exitCode = task.execution?.exitCode;
    const pkg = basename(task.directory ?? task.package);
    // A test task without a report is counted above, by package.
    if (exitCode === 0 || (task.task === "test" && !failuresByPackage.has(pkg))) continue;
    if (task.task === "test" && (failuresByPackage.get(pkg) ?? 0) > 0) continue;
    failed++;
    reasons.push(
      exitCode === undefined ? `${task.taskId} did not run to its end` : `${task.taskId} exited with code ${exitCode}`,
    );
  }
}

for (const reason of reasons) console.log(`failed: ${reason}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
