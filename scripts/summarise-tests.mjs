// Adds up the JSON reports every package's vitest run left in the folder given, and the
// tasks of turbo's run summary, and prints one closing line. Whatever did not run to a
// verdict counts as failed: a test file that failed to load or in a hook, and a task
// (test or typecheck) that exited non-zero without a failed test to show for it.
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

const runs = runsFolder ? (await readdir(runsFolder).catch(() => [])).filter((file) => file.endsWith(".json")) : [];
if (runsFolder && runs.length === 0) {
  failed++;
  reasons.push("turbo left no run summary: the test tasks did not run");
}
for (const run of runs) {
  const summary = JSON.parse(await readFile(join(runsFolder, run), "utf8"));
  for (const task of summary.tasks ?? []) {
    const exitCode = task.execution?.exitCode;
    if (exitCode === 0 || exitCode === undefined) continue;
    const pkg = basename(task.directory ?? task.package);
    if (task.task === "test" && (failuresByPackage.get(pkg) ?? 0) > 0) continue;
    failed++;
    reasons.push(`${task.taskId} exited with code ${exitCode}`);
  }
}

for (const reason of reasons) console.log(`failed: ${reason}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
