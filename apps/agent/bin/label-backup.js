#!/usr/bin/env node
// First, before any other module is loaded: loading them would already grow V8's young
// generation, and it would stay grown (see src/young-generation.ts).
import { keepYoungGenerationSmall } from "../dist/young-generation.js";

keepYoungGenerationSmall();
await import("../dist/main.js");
