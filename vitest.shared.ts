import { basename } from "node:path";
import { defineConfig } from "vitest/config";

// scripts/test.sh collects one JSON report per package to print a single closing line.
const results = process.env.LB_TEST_RESULTS;
const reporters = results
  ? ["default", ["json", { outputFile: `${results}/${basename(process.cwd())}.json` }] as const]
  : ["default"];

// Tests run from source: the "@lb/source" export condition points workspace packages
// at their TypeScript, so no build is needed before a test run.
export default defineConfig({
  resolve: { conditions: ["@lb/source", "import", "node", "default"] },
  ssr: { resolve: { conditions: ["@lb/source", "import", "node", "default"] } },
  test: {
    include: ["test/**/*.test.ts"],
    reporters,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});

/** Global setup for suites that need a real container engine (see @lb/testing). */
export const engineGlobalSetup = new URL("./packages/testing/src/vitest/global-setup.ts", import.meta.url).pathname;
