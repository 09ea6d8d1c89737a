import { AbortedError } from "@lb/core";
import { formatDuration } from "@lb/labels";

export interface RunGuardOptions {
  /** Aborts the run after this long; 0 = never. */
  timeoutSeconds: number;
  /** Aborts the run when no byte has come for this long; 0 = never. */
  stallSeconds: number;
  /** Aborts with the agent (shutdown). */
  parent: AbortSignal;
}

/**
 * One run's abort signal: fired by the agent's shutdown, by BACKUP_TIMEOUT, or by the
 * stall watchdog when the dump stops producing bytes. `progress()` feeds the watchdog.
 */
export class RunGuard {
  private readonly controller = new AbortController();
  private lastProgress = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onParentAbort = () => this.abort(new AbortedError("the agent is shutting down"));

  constructor(options: RunGuardOptions) {
    if (options.parent.aborted) this.onParentAbort();
    else options.parent.addEventListener("abort", this.onParentAbort, { once: true });
    this.parent = options.parent;
    if (options.timeoutSeconds > 0) {
      this.timers.push(
        setTimeout(
          () =>
            this.abort(new AbortedError(`stopped after BACKUP_TIMEOUT (${formatDuration(options.timeoutSeconds)})`)),
          options.timeoutSeconds * 1000,
        ),
      );
    }
    if (options.stallSeconds > 0) {
      const stallMs = options.stallSeconds * 1000;
      this.timers.push(
        setInterval(
          () => {
            if (Date.now() - this.lastProgress >= stallMs) {
              this.abort(
                new AbortedError(
                  `stopped by the stall watchdog: no bytes for ${formatDuration(options.stallSeconds)} (BACKUP_STALL_TIMEOUT)`,
                ),
              );
            }
          },
          Math.min(stallMs, 1000),
        ),
      );
    }
  }

  private readonly parent: AbortSignal;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the run was aborted, when it was. */
  get reason(): AbortedError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as AbortedError) : undefined;
  }

  /**
   * Resolves `ms` after the run was aborted (never, if it is not): how long a stopped run
   * may take to clean up before it is abandoned and its slot freed.
   */
  abandonAfter(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const start = () => {
        const timer = setTimeout(resolve, ms);
        timer.unref();
      };
      if (this.controller.signal.aborted) start();
      else this.controller.signal.addEventListener("abort", start, { once: true });
    });
  }

  progress(): void {
    this.lastProgress = Date.now();
  }

  private abort(reason: AbortedError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    this.dispose();
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    this.parent.removeEventListener("abort", this.onParentAbort);
  }
}
