export { type WriterHarness, writerConformanceSuite } from "./writer-suite.js";
