import { mergeConfig } from "vitest/config";
import shared, { engineGlobalSetup } from "../../vitest.shared.js";

export default mergeConfig(shared, { test: { globalSetup: [engineGlobalSetup] } });
