import { dumperConformanceSuite } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { beforeAll } from "vitest";
import { mongoHarness } from "./mongo-harness.js";
import { mongoToolsStandInImage } from "./stand-ins/mongo-tools-image.js";

// Exec mode, with stand-ins for the MongoDB tools in the container (see
// stand-ins/mongo-tools-cli.ts). Built here, under the hook timeout.
let image: string;
beforeAll(async () => {
  image = await mongoToolsStandInImage(testEngine().docker);
});

dumperConformanceSuite("mongodb (exec mode, stand-in tools)", async () => mongoHarness("exec", () => image));
