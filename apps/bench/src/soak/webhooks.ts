import { startWebhookReceiver, type WebhookReceiver } from "@lb/testing";
import type { ReceivedHook } from "./checks.js";

export interface SoakReceiver {
  url: string;
  /** Every delivery with the status it was answered. */
  hooks(): ReceivedHook[];
  /** First deliveries answered 503 on purpose. */
  refused(): number;
  close(): Promise<void>;
}

/**
 * A real loopback receiver that answers 503 to the first delivery of every `refuseEvery`th
 * notification, so the agent's retries (same `id`) happen under load and the count of
 * notifications must come out right through them.
 */
export async function startSoakReceiver(refuseEvery = 5): Promise<SoakReceiver> {
  const answered: number[] = [];
  const seenIds = new Set<string>();
  let refused = 0;
  const receiver: WebhookReceiver = await startWebhookReceiver((request, index, response) => {
    let id = "";
    try {
      id = String((JSON.parse(request.body) as { id?: unknown }).id ?? "");
    } catch {
      // Unreadable: answered 200, and counted as unreadable by the checks.
    }
    let status = 200;
    if (id !== "" && !seenIds.has(id)) {
      seenIds.add(id);
      if (seenIds.size % refuseEvery === 0) {
        status = 503;
        refused++;
      }
    }
    answered[index] = status;
    response.writeHead(status).end(status === 200 ? "ok" : "try again");
  });
  return {
    url: receiver.url,
    hooks: () => receiver.requests.map((r, i) => ({ body: r.body, answered: answered[i] ?? 200 })),
    refused: () => refused,
    close: () => receiver.close(),
  };
}
