import { DumpError } from "@lb/core";
import type { MongoClient } from "mongodb";
import type { MongoConnection } from "../mongodb-connection.js";

/** Names the native path in versions and errors. */
export const NATIVE_TOOL = "label-backup native client";

/**
 * The URI as mongodump would treat it: one host without a replica set name is talked to
 * directly, not through the replica set it may belong to (whose members' own addresses
 * are often unreachable from outside their network).
 */
export function nativeUri(connection: MongoConnection): string {
  const match = /^mongodb:\/\/(?:[^@/?#]*@)?([^/?#]+)\/?(?:\?([^#]*))?$/i.exec(connection.uri);
  if (!match) return connection.uri;
  const [, hosts = "", query = ""] = match;
  const params = new URLSearchParams(query);
  if (hosts.includes(",") || params.has("replicaSet") || params.has("directConnection")) return connection.uri;
  return `${connection.uri}${query ? "&" : connection.uri.endsWith("/") ? "?" : "/?"}directConnection=true`;
}

/**
 * A driver connected to the server `connection` names. The driver is loaded only here, so
 * callers that never use the native path never load it. The URI, password included, stays
 * in this process's memory: it reaches no argv, file or log.
 */
export async function connectNative(
  connection: MongoConnection,
  redact: (text: string) => string,
  signal: AbortSignal,
): Promise<MongoClient> {
  const { MongoClient } = await import("mongodb");
  const client = new MongoClient(nativeUri(connection), {
    appName: "label-backup",
    serverSelectionTimeoutMS: 15_000,
    connectTimeoutMS: 15_000,
    // A socket with no answer for this long fails the run instead of holding it open.
    socketTimeoutMS: 10 * 60_000,
  });
  const onAbort = () => void client.close().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await client.connect();
    // An authenticated round trip: connect() alone may succeed before credentials are checked.
    await client.db("admin").command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw new DumpError(`${NATIVE_TOOL} cannot reach MongoDB: ${redact(driverMessage(error))}`);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The driver's message, with the server's error code name when it has one. */
export function driverMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const codeName = (error as { codeName?: unknown }).codeName;
  return typeof codeName === "string" && !error.message.includes(codeName)
    ? `${error.message} (${codeName})`
    : error.message;
}

/** The server's version, as `buildInfo` reports it. */
export async function serverVersion(client: MongoClient): Promise<string> {
  const info = await client.db("admin").command({ buildInfo: 1 });
  return typeof info.version === "string" ? info.version : "unknown";
}
