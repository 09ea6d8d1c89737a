import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { errorMessage } from "@lb/core";
import type { Registry } from "prom-client";
import type { BackupRunner } from "../backup/backup-runner.js";
import type { AgentLogger } from "../logging/create-logger.js";
import type { StatusBoard } from "../status/status-board.js";
import { renderStatusPage } from "./status-page.js";
import { targetView } from "./targets-view.js";

export interface HttpDependencies {
  status: StatusBoard;
  runner: BackupRunner;
  metrics: Registry;
  /** Resolves when the engine answers and every destination in use can take a backup; else rejects with why. */
  readiness(): Promise<void>;
  apiToken: string | undefined;
  version: string;
  logger: AgentLogger;
}

function send(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, `${JSON.stringify(value, null, 2)}\n`, "application/json");

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpDependencies): Promise<void> {
  const url = new URL(req.url ?? "/", "http://agent");
  const path = url.pathname;
  if (req.method === "GET" && path === "/healthz") return send(res, 200, "ok\n");
  if (req.method === "GET" && path === "/readyz") {
    try {
      await deps.readiness();
      return send(res, 200, "ready\n");
    } catch (error) {
      return send(res, 503, `not ready: ${errorMessage(error)}\n`);
    }
  }
  if (req.method === "GET" && path === "/metrics") {
    return send(res, 200, await deps.metrics.metrics(), deps.metrics.contentType);
  }
  if (req.method === "GET" && path === "/api/targets") {
    return json(res, 200, { targets: deps.status.all().map((t) => targetView(t)) });
  }
  const trigger = path.match(/^\/api\/targets\/(.+)\/backup$/);
  if (trigger && req.method === "POST") {
    if (!deps.apiToken) return json(res, 403, { error: "set API_TOKEN to enable this endpoint" });
    if (!bearerMatches(req, deps.apiToken)) return json(res, 401, { error: "missing or wrong bearer token" });
    const name = decodeURIComponent(trigger[1]!);
    const target = deps.status.get(name);
    if (!target) return json(res, 404, { error: `no target named ${name}` });
    const result = deps.runner.trigger(target.spec, "api");
    if (!result.accepted) return json(res, 409, { error: result.reason });
    return json(res, 202, { accepted: true, target: name });
  }
  if (req.method === "GET" && (path === "/" || path === "/status")) {
    const page = renderStatusPage(
      deps.status.all().map((t) => targetView(t)),
      deps.version,
    );
    return send(res, 200, page, "text/html; charset=utf-8");
  }
  return send(res, 404, "not found\n");
}

/** Health, readiness, metrics, the targets API and the status page. */
export async function startHttpServer(host: string, port: number, deps: HttpDependencies): Promise<Server> {
  const server = createServer((req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      deps.logger.error({ event: "http.error", path: req.url, error: errorMessage(error) }, "http handler failed");
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
