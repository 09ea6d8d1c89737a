import { statusBytes } from "../proc.js";
import type { RssSample } from "./checks.js";

export interface RssWatch {
  samples: RssSample[];
  /** The kernel's high-water mark (VmHWM) at the last read: the true peak, between samples too. */
  peakBytes(): number;
  stop(): void;
}

/** VmRSS every `intervalMs` while the process lives, and VmHWM with it. */
export function watchRss(pid: number, intervalMs = 2000): RssWatch {
  const samples: RssSample[] = [];
  let peak = 0;
  const read = () => {
    const rss = statusBytes(pid, "VmRSS");
    if (rss !== undefined) samples.push({ at: Date.now(), bytes: rss });
    peak = Math.max(peak, statusBytes(pid, "VmHWM") ?? 0);
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    samples,
    peakBytes: () => peak,
    stop: () => {
      read();
      clearInterval(timer);
    },
  };
}
