import { databaseImage } from "@lb/testing";
import { dumperConformanceSuite } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { beforeAll } from "vitest";
import { mongoHarness } from "./mongo-harness.js";

// The stand-in image builds FerretDB from Go on first use (minutes when cold): done here,
// under the hook timeout, rather than inside the first test. The image has no MongoDB
// tools: this is the suite for the native client.
beforeAll(() => databaseImage(testEngine().docker, "mongo"));

dumperConformanceSuite("mongodb (native client)", async () => mongoHarness("client"));
