export type { Artifact, Manifest } from "./contracts/artifact.js";
export { MANIFEST_VERSION } from "./contracts/artifact.js";
export type { DumpContext, Dumper, DumpResult, RestoreContext, RunningDump } from "./contracts/dumper.js";
export { DUMPER_CONTRACT_VERSION } from "./contracts/dumper.js";
export type { ContainerInfo, ContainerRuntime, ExecOptions, ExecProcess } from "./contracts/runtime.js";
export type { BackupSpec, Destination, KeepPolicy, Schedule } from "./contracts/spec.js";
export type { StoredObject, Writer } from "./contracts/writer.js";
export { WRITER_CONTRACT_VERSION } from "./contracts/writer.js";
export {
  AbortedError,
  ConfigError,
  DumpError,
  type ErrorKind,
  errorMessage,
  LabelBackupError,
  RestoreError,
  RuntimeError,
  WriteError,
} from "./errors.js";
export { type Logger, silentLogger } from "./logger.js";
export {
  type ArtifactNameParts,
  artifactKeyFor,
  compactTimestamp,
  MANIFEST_SUFFIX,
  manifestKeyFor,
} from "./naming.js";
export { ParallelGzip, type ParallelGzipOptions } from "./parallel-gzip.js";
export { createRedactor, passwordOfUri, redactUri, redactUrisInText } from "./redact.js";
export { BoundedCapture, CountingStream, EndGate, type Measured, MeasuringStream } from "./streams.js";
