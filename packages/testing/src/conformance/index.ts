export { type DumperHarness, dumperConformanceSuite, type ServerUnderTest } from "./dumper-suite.js";
export { type WriterHarness, writerConformanceSuite } from "./writer-suite.js";
