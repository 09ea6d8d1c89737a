import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasAgentKeyShape, s3Writer } from "../src/index.js";

// The selection and paging of `abortStaleUploads`, against a stand-in that answers
// ListMultipartUploads the way S3 does, two uploads per page: MinIO answers the whole
// bucket in one page, so paging is checked here.

interface FakeUpload {
  key: string;
  uploadId: string;
  initiated: string;
}

const uploads: FakeUpload[] = [
  ["daily/postgres-appdb-20261120T010000000Z-0a1b2c.sql.gz", "2026-11-20T01:00:00.000Z"],
  ["daily/someone-elses-upload.bin", "2026-11-01T00:00:00.000Z"],
  ["daily/sub/mysql-shop-20261121T000000000Z-ffffff.sql", "2026-11-21T00:00:00.000Z"],
  ["daily/postgres-appdb-20261126T020000000Z-3d4e5f.sql.gz", "2026-11-26T02:00:00.000Z"],
  ["daily2/postgres-appdb-20261120T010000000Z-0a1b2c.sql.gz", "2026-11-20T01:00:00.000Z"],
  ["weekly/redis-0-20261101T000000000Z-abcdef.rdb.gz", "2026-11-01T00:00:00.000Z"],
].map(([key, initiated], i) => ({ key: key!, uploadId: `upload-${i}`, initiated: initiated! }));

const listedPrefixes: string[] = [];
const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function listPage(prefix: string, keyMarker: string, idMarker: string): string {
  const matching = uploads
    .filter((upload) => upload.key.startsWith(prefix))
    .sort((a, b) => a.key.localeCompare(b.key) || a.uploadId.localeCompare(b.uploadId));
  const from = keyMarker
    ? matching.findIndex((u) => u.key > keyMarker || (u.key === keyMarker && u.uploadId > idMarker))
    : 0;
  const page = from < 0 ? [] : matching.slice(from, from + 2);
  const truncated = from >= 0 && from + 2 < matching.length;
  const last = page[page.length - 1];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Bucket>b</Bucket><Prefix>${xmlText(prefix)}</Prefix><MaxUploads>2</MaxUploads>`,
    `<IsTruncated>${truncated}</IsTruncated>`,
    truncated && last
      ? `<NextKeyMarker>${xmlText(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>`
      : "",
    ...page.map(
      (u) =>
        `<Upload><Key>${xmlText(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    ),
    "</ListMultipartUploadsResult>",
  ].join("");
}

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    req.resume();
    if (req.method === "GET" && url.searchParams.has("uploads")) {
      const prefix = url.searchParams.get("prefix") ?? "";
      listedPrefixes.push(prefix);
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        listPage(prefix, url.searchParams.get("key-marker") ?? "", url.searchParams.get("upload-id-marker") ?? ""),
      );
      return;
    }
    if (req.method === "DELETE" && url.searchParams.has("uploadId")) {
      const key = decodeURIComponent(url.pathname.replace(/^\/b\//, ""));
      const at = uploads.findIndex((u) => u.key === key && u.uploadId === url.searchParams.get("uploadId"));
      if (at >= 0) uploads.splice(at, 1);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(501).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("abortStaleUploads", () => {
  it("aborts only the agent's uploads under the folder that started before the cutoff, across pages", async () => {
    const writer = s3Writer({
      bucket: "b",
      region: "us-east-1",
      endpoint,
      accessKeyId: "test",
      secretAccessKey: "test-secret",
      forcePathStyle: true,
    });
    try {
      const cutoff = new Date("2026-11-25T00:00:00.000Z");
      expect((await writer.abortStaleUploads("daily", cutoff)).sort()).toEqual([
        "daily/postgres-appdb-20261120T010000000Z-0a1b2c.sql.gz",
        "daily/sub/mysql-shop-20261121T000000000Z-ffffff.sql",
      ]);
      // Three pages of the whole bucket: the folder is filtered by the writer.
      expect(listedPrefixes).toEqual(["", "", ""]);
      expect(uploads.map((u) => u.key)).toEqual([
        "daily/someone-elses-upload.bin",
        "daily/postgres-appdb-20261126T020000000Z-3d4e5f.sql.gz",
        "daily2/postgres-appdb-20261120T010000000Z-0a1b2c.sql.gz",
        "weekly/redis-0-20261101T000000000Z-abcdef.rdb.gz",
      ]);

      expect((await writer.abortStaleUploads("", cutoff)).sort()).toEqual([
        "daily2/postgres-appdb-20261120T010000000Z-0a1b2c.sql.gz",
        "weekly/redis-0-20261101T000000000Z-abcdef.rdb.gz",
      ]);
    } finally {
      await writer.close();
    }
  });

  it("recognises the agent's object names and nothing else", () => {
    expect(hasAgentKeyShape("p/postgres-appdb-20261126T152845123Z-a1b2c3.sql.gz")).toBe(true);
    expect(hasAgentKeyShape("volume-_data-20261126T152845123Z-a1b2c3.tar")).toBe(true);
    expect(hasAgentKeyShape("p/postgres-appdb-20261126T152845123Z-a1b2c3.sql.gz.manifest.json")).toBe(true);
    expect(hasAgentKeyShape("p/postgres-appdb-20261126-a1b2c3.sql.gz")).toBe(false);
    expect(hasAgentKeyShape("p/backup.tar.gz")).toBe(false);
    expect(hasAgentKeyShape("p/postgres-appdb-20261126T152845123Z-A1B2C3.sql.gz")).toBe(false);
  });
});
