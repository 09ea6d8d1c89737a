import { defineConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

// The AWS SDK's packages map the `module` export condition to an ESM build meant for
// bundlers (extensionless imports) that Node cannot load. The shared config passes its
// conditions to Node too, so these tests resolve without `module`, as Node does.
const conditions = ["@lb/source", "import", "node", "default"];

export default defineConfig({
  ...shared,
  resolve: { ...shared.resolve, conditions },
  ssr: { ...shared.ssr, resolve: { ...shared.ssr?.resolve, conditions } },
});
