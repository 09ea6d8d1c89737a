import { type ChildProcess, spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ensureGoTools, type GoToolSet } from "../images/go-tools.js";
import { freePort } from "./free-port.js";

/**
 * The MinIO build used when no `minio` is installed: an exact module version, so a machine
 * whose Go module cache holds it builds offline; `LB_MINIO_VERSION` names another one.
 */
export const MINIO_BUILD: GoToolSet = {
  module: "github.com/minio/minio",
  version: process.env.LB_MINIO_VERSION || "v0.0.0-20260212201848-7aac2a2c5b7c",
  binaries: { minio: "." },
};

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(name: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder && (await executable(join(folder, name)))) return join(folder, name);
  }
  return undefined;
}

async function findGo(): Promise<string | undefined> {
  return (await onPath("go")) ?? ((await executable("/usr/local/go/bin/go")) ? "/usr/local/go/bin/go" : undefined);
}

/** Where `go install` puts executables: GOBIN, else the first GOPATH entry's bin folder. */
function goBinFolder(go: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(go, ["env", "GOBIN", "GOPATH"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => {
      const [gobin, gopath] = out.split("\n").map((line) => line.trim());
      const first = gopath?.split(delimiter)[0];
      resolve(code !== 0 ? undefined : gobin || (first ? join(first, "bin") : undefined));
    });
  });
}

/** An installed `minio`: on PATH, else where `go install github.com/minio/minio@...` put it. */
export async function findMinio(): Promise<string | undefined> {
  const found = await onPath("minio");
  if (found) return found;
  const go = await findGo();
  const folder = go ? await goBinFolder(go) : undefined;
  return folder && (await executable(join(folder, "minio"))) ? join(folder, "minio") : undefined;
}

/** The installed `minio`, else one built from `MINIO_BUILD` (minutes the first time, then cached). */
async function minioBinary(): Promise<string> {
  return (await findMinio()) ?? (await ensureGoTools(MINIO_BUILD)).minio!;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated: string;
}

/**
 * A MinIO server on 127.0.0.1 with its own data folder, plus a small signed S3 client of
 * its own: tests check what a writer did with it instead of with the writer's SDK.
 */
export interface MinioServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  region: string;
  root: S3Credentials;
  /** The KMS key MinIO holds, for `aws:kms` encryption (SSE-S3 uses it too). */
  kmsKeyId: string;
  pid: number;
  /** Creates a bucket with a random `lb-test-` name and returns the name. */
  freshBucket(): Promise<string>;
  createBucket(bucket: string): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
  putObject(bucket: string, key: string, body: Buffer): Promise<void>;
  /** Every object key in the bucket under `prefix` (as text, not a folder), sorted; [] when the bucket is missing. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /**
   * Multipart uploads started and neither completed nor aborted. MinIO reads a prefix as one
   * exact object name; without a prefix it answers the bucket's uploads since it started.
   */
  listUploads(bucket: string, prefix?: string): Promise<MultipartUploadInfo[]>;
  /**
   * Temporary credentials (STS AssumeRole) limited by `policy`, an IAM policy document:
   * the way to get a user who may not create buckets, or may only read.
   */
  credentialsWithPolicy(policy: object): Promise<S3Credentials>;
  stop(): Promise<void>;
}

/**
 * Why MinIO cannot run here (not installed, and no Go to build it), or undefined when it
 * can. Under CI a missing prerequisite is an error, not a reason to skip.
 */
export async function minioMissingReason(): Promise<string | undefined> {
  if ((await findMinio()) || (await findGo())) return undefined;
  const reason = `minio is not installed and there is no Go toolchain to build ${MINIO_BUILD.module}@${MINIO_BUILD.version}`;
  if (isCi()) throw new Error(`MinIO is required under CI: ${reason}`);
  return reason;
}

function isCi(): boolean {
  const ci = process.env.CI?.toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

const REGION = "us-east-1";

/**
 * Starts MinIO on free loopback ports with a fresh data folder and random root credentials
 * (building it first when it is not installed), and waits until it answers signed requests.
 */
export async function startMinioServer(): Promise<MinioServer> {
  const binary = await minioBinary();
  const dir = await mkdtemp(join(tmpdir(), "lb-minio-"));
  const port = await freePort();
  let consolePort = await freePort();
  while (consolePort === port) consolePort = await freePort();
  const root = {
    accessKeyId: `lbroot${randomBytes(4).toString("hex")}`,
    secretAccessKey: randomBytes(18).toString("hex"),
  };
  const kmsKeyId = "lb-test-key";
  // Credentials go through the environment, never the arguments; nothing of the caller's
  // environment (AWS_*, MINIO_*) reaches the server.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    MINIO_ROOT_USER: root.accessKeyId,
    MINIO_ROOT_PASSWORD: root.secretAccessKey,
    MINIO_KMS_SECRET_KEY: `${kmsKeyId}:${randomBytes(32).toString("base64")}`,
    MINIO_BROWSER: "off",
    MINIO_UPDATE: "off",
    MINIO_CI_CD: "on",
  };
  const child = spawn(
    binary,
    ["server", join(dir, "data"), "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopProcess(child, 10_000);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  const s3 = (creds: S3Credentials, req: SignedRequest) => signedRequest(endpoint, creds, req);
  try {
    await waitUntilReady(
      child,
      () => log,
      async () => {
        // The health answer comes before IAM is loaded; a signed call proves both.
        if ((await rawStatus(`${endpoint}/minio/health/ready`)) !== 200) return false;
        return (await s3(root, { method: "GET", path: "/" }).catch(() => ({ status: 0 }))).status === 200;
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const server: MinioServer = {
    endpoint,
    region: REGION,
    root,
    kmsKeyId,
    pid: child.pid ?? 0,
    async freshBucket() {
      const bucket = `lb-test-${randomBytes(6).toString("hex")}`;
      await server.createBucket(bucket);
      return bucket;
    },
    async createBucket(bucket) {
      expectOk(await s3(root, { method: "PUT", path: `/${bucket}` }), `create bucket ${bucket}`);
    },
    async bucketExists(bucket) {
      const res = await s3(root, { method: "HEAD", path: `/${bucket}` });
      if (res.status === 404) return false;
      expectOk(res, `head bucket ${bucket}`);
      return true;
    },
    async putObject(bucket, key, body) {
      expectOk(await s3(root, { method: "PUT", path: `/${bucket}/${key}`, body }), `put ${key}`);
    },
    async listKeys(bucket, prefix = "") {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const query: Record<string, string> = { "list-type": "2", prefix };
        if (token) query["continuation-token"] = token;
        const res = await s3(root, { method: "GET", path: `/${bucket}`, query });
        if (res.status === 404) return [];
        expectOk(res, `list ${bucket}`);
        for (const contents of elements(res.body, "Contents")) keys.push(...elements(contents, "Key"));
        token =
          elements(res.body, "IsTruncated")[0] === "true" ? elements(res.body, "NextContinuationToken")[0] : undefined;
      } while (token);
      return keys.sort();
    },
    async listUploads(bucket, prefix = "") {
      const uploads: MultipartUploadInfo[] = [];
      let marker: Record<string, string> = {};
      for (;;) {
        const res = await s3(root, { method: "GET", path: `/${bucket}`, query: { uploads: "", prefix, ...marker } });
        if (res.status === 404) return [];
        expectOk(res, `list uploads of ${bucket}`);
        for (const upload of elements(res.body, "Upload")) {
          uploads.push({
            key: elements(upload, "Key")[0] ?? "",
            uploadId: elements(upload, "UploadId")[0] ?? "",
            initiated: elements(upload, "Initiated")[0] ?? "",
          });
        }
        if (elements(res.body, "IsTruncated")[0] !== "true") return uploads;
        marker = {
          "key-marker": elements(res.body, "NextKeyMarker")[0] ?? "",
          "upload-id-marker": elements(res.body, "NextUploadIdMarker")[0] ?? "",
        };
      }
    },
    async credentialsWithPolicy(policy) {
      const form = new URLSearchParams({
        Action: "AssumeRole",
        Version: "2011-06-15",
        DurationSeconds: "3600",
        Policy: JSON.stringify(policy),
      });
      const res = await s3(root, {
        method: "POST",
        path: "/",
        service: "sts",
        body: Buffer.from(form.toString()),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectOk(res, "AssumeRole");
      const [accessKeyId, secretAccessKey, sessionToken] = ["AccessKeyId", "SecretAccessKey", "SessionToken"].map(
        (tag) => elements(res.body, tag)[0],
      );
      if (!accessKeyId || !secretAccessKey || !sessionToken) throw new Error(`AssumeRole answered without credentials`);
      return { accessKeyId, secretAccessKey, sessionToken };
    },
    stop,
  };
  return server;
}

async function waitUntilReady(child: ChildProcess, log: () => string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`minio exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`minio did not become ready within 60 s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function rawStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      // MinIO answers 200 while its object layer is still starting, flagged by this header.
      resolve(res.headers["x-minio-server-status"] === "offline" ? 503 : (res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

// A minimal AWS Signature V4 client: enough for the harness's own checks, and independent
// of the SDK the writer under test uses.

interface SignedRequest {
  method: string;
  /** `/bucket/key`, unencoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer;
  service?: "s3" | "sts";
}

interface SignedResponse {
  status: number;
  body: string;
}

/** RFC 3986 encoding, as SigV4 wants it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

function signedRequest(endpoint: string, creds: S3Credentials, req: SignedRequest): Promise<SignedResponse> {
  const url = new URL(endpoint);
  const body = req.body ?? Buffer.alloc(0);
  const service = req.service ?? "s3";
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const path = req.path.split("/").map(encode).join("/");
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    host: url.host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": sha256(body),
  };
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    req.method,
    path,
    query,
    ...names.map((name) => `${name}:${headers[name]!.trim()}`),
    "",
    names.join(";"),
    headers["x-amz-content-sha256"],
  ].join("\n");
  const scope = `${day}/${REGION}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${creds.secretAccessKey}`, day);
  for (const part of [REGION, service, "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;

  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: query ? `${path}?${query}` : path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function expectOk(res: SignedResponse, what: string): void {
  if (res.status < 200 || res.status > 299) throw new Error(`${what}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of every `<tag>` element, entities decoded; enough for S3's flat answers. */
function elements(xml: string, tag: string): string[] {
  const found: string[] = [];
  for (const match of xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))) {
    found.push(
      match[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, name: string) => {
        if (name.startsWith("#x") || name.startsWith("#X"))
          return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
        if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
        return ENTITIES[name.toLowerCase()] ?? "";
      }),
    );
  }
  return found;
}
