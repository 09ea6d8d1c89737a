import { statusBytes } from "./proc.js";

export interface PeakRssWatch {
  /** Stops polling; the highest VmHWM read, in bytes (0 when none was read). */
  stop(): number;
}

/**
 * Polls a process's VmHWM, the kernel's high-water mark of its resident set, until it
 * exits. VmHWM never decreases, so the last read is the peak up to that moment; a
 * short interval keeps what happens between the last read and the exit small.
 */
export function watchPeakRss(pid: number, intervalMs = 50): PeakRssWatch {
  let peak = 0;
  const read = () => {
    const hwm = statusBytes(pid, "VmHWM");
    if (hwm !== undefined && hwm > peak) peak = hwm;
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
