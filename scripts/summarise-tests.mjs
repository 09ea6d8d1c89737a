// Adds up the JSON reports every package's vitest run left in the folder given, and
// prints one closing line. Fails when no test ran at all.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const folder = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of await readdir(folder)) {
  const report = JSON.parse(await readFile(join(folder, name), "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
