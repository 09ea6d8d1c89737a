import type { Readable } from "node:stream";
import type Docker from "dockerode";

/** Container lifecycle events that change what should be scheduled. */
export const LIFECYCLE_ACTIONS = ["start", "die", "destroy", "stop", "rename", "update"] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export interface ContainerEvent {
  action: LifecycleAction;
  containerId: string;
  name: string | undefined;
}

export interface WatchOptions {
  onEvent(event: ContainerEvent): void;
  /** Told when the stream breaks; the watcher reconnects by itself. */
  onDisconnect?(error: Error | undefined, retryInMs: number): void;
  onConnect?(): void;
  signal: AbortSignal;
  maxBackoffMs?: number;
}

/**
 * Follows the engine's container events for as long as `signal` is not aborted,
 * reconnecting with exponential backoff when the engine goes away.
 */
export function watchContainerEvents(docker: Docker, options: WatchOptions): void {
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let backoff = 500;

  const connect = async () => {
    if (options.signal.aborted) return;
    let failure: Error | undefined;
    try {
      const stream = (await docker.getEvents({
        filters: { type: ["container"], event: [...LIFECYCLE_ACTIONS] },
        abortSignal: options.signal,
      })) as unknown as Readable;
      backoff = 500;
      options.onConnect?.();
      await readEvents(stream, options);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    if (options.signal.aborted) return;
    options.onDisconnect?.(failure, backoff);
    setTimeout(connect, backoff).unref();
    backoff = Math.min(backoff * 2, maxBackoff);
  };
  void connect();
}

function readEvents(stream: Readable, options: WatchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) emit(line, options);
        newline = buffered.indexOf("\n");
      }
    });
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
    options.signal.addEventListener("abort", () => stream.destroy(), { once: true });
  });
}

function emit(line: string, options: WatchOptions): void {
  let event: { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
  try {
    event = JSON.parse(line);
  } catch {
    return;
  }
  // Actions such as "exec_start: sh" or "health_status: healthy" carry a suffix.
  const action = (event.Action ?? "").split(":")[0] as LifecycleAction;
  if (!LIFECYCLE_ACTIONS.includes(action) || !event.Actor?.ID) return;
  options.onEvent({ action, containerId: event.Actor.ID, name: event.Actor.Attributes?.name });
}
