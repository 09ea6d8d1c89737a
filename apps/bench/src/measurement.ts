/** One timed run of one way of backing up. */
export interface Measurement {
  seconds: number;
  /** Bytes the dump tool wrote, before compression, when the run knows them. */
  rawBytes?: number;
  /** Bytes stored after compression. */
  storedBytes: number;
  /** The agent process's peak resident set (VmHWM), for agent runs. */
  peakRssBytes?: number;
}

/** Keeps the last lines of a process's output, for error messages. */
export function tail(text: string, lines = 8): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
