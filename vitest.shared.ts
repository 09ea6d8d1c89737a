import { defineConfig } from "vitest/config";

// Tests run from source: the "@lb/source" export condition points workspace packages
// at their TypeScript, so no build is needed before a test run.
export default defineConfig({
  resolve: { conditions: ["@lb/source", "import", "module", "node", "default"] },
  ssr: { resolve: { conditions: ["@lb/source", "import", "module", "node", "default"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});

/** Global setup for suites that need a real container engine (see @lb/testing). */
export const engineGlobalSetup = new URL("./packages/testing/src/vitest/global-setup.ts", import.meta.url).pathname;
