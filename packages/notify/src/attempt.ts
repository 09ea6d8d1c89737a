import { errorMessage } from "@lb/core";

export const USER_AGENT = "label-backup";

/** How much of a failing response's body is kept for the log. */
const BODY_EXCERPT_BYTES = 256;

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborts the attempt when the delivery is abandoned (flush gave up). */
  cancel: AbortSignal;
}

export type AttemptOutcome =
  | { ok: true; status: number }
  | { ok: false; status?: number; reason: string; cancelled: boolean };

/** One POST. Never throws: every way it can go wrong becomes an outcome with a reason. */
export async function attemptDelivery(request: AttemptRequest): Promise<AttemptOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
  const signal = AbortSignal.any([timeout.signal, request.cancel]);
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, ...request.headers },
      body: request.body,
      signal,
      // A redirected POST may be replayed as a GET or land on another host; the URL is configured, not discovered.
      redirect: "manual",
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return { ok: true, status: response.status };
    }
    const excerpt = await readExcerpt(response);
    const reason = `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ""}`;
    return { ok: false, status: response.status, reason, cancelled: false };
  } catch (error) {
    if (request.cancel.aborted) return { ok: false, reason: "abandoned", cancelled: true };
    if (timeout.signal.aborted) {
      return { ok: false, reason: `timed out after ${request.timeoutMs / 1000}s`, cancelled: false };
    }
    return { ok: false, reason: describeNetworkError(error), cancelled: false };
  } finally {
    clearTimeout(timer);
  }
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < BODY_EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  const text = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString("utf8");
  return text.replace(/\s+/g, " ").trim();
}

// fetch reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND, TLS) in `cause`.
function describeNetworkError(error: unknown): string {
  const message = errorMessage(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof Error)) return message;
  const code = (cause as { code?: unknown }).code;
  const detail =
    typeof code === "string" && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  return `${message}: ${detail}`;
}
