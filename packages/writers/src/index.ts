export { TEMP_PREFIX, writeFileAtomically } from "./local/atomic-file.js";
export { type LocalWriterOptions, localWriter } from "./local/local-writer.js";
export { pathInside } from "./local/safe-path.js";
export { parseManifest } from "./manifest.js";
