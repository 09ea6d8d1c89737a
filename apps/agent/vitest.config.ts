import { mergeConfig } from "vitest/config";
import shared, { engineGlobalSetup } from "../../vitest.shared.js";

// One file at a time: each file's agent follows every labelled container on the shared
// engine, so another file's containers would turn up in its backups and webhooks.
export default mergeConfig(shared, { test: { globalSetup: [engineGlobalSetup], fileParallelism: false } });
