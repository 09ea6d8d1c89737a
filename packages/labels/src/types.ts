import type { BackupSpec } from "@lb/core";

/** One problem with one label: the label's name and what is wrong with it. */
export interface LabelError {
  label: string;
  reason: string;
}

export type LabelParseResult =
  | {
      ok: true;
      spec: BackupSpec;
      /** Things that did not stop the spec but deserve a log line (a retention fallback, an unknown label). */
      warnings?: LabelError[];
    }
  | { ok: false; errors: LabelError[] };

/** The parts of a container that label parsing looks at. */
export interface ContainerLabelsInput {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** Options beyond the agent settings. */
export interface ParseOptions {
  /**
   * Engine names served by dumpers loaded from third-party packages. `backup.type` accepts
   * them besides the built-in ones; their `backup.conn` scheme and database are not checked.
   */
  extraEngines?: readonly string[];
}
