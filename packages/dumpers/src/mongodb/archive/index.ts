export * from "./archive-format.js";
export * from "./archive-parser.js";
export * from "./archive-writer.js";
