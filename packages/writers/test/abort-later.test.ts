import { silentLogger } from "@lb/core";
import { describe, expect, it } from "vitest";
import { abortLater } from "../src/s3/abort-later.js";
import type { S3Context } from "../src/s3/s3-sdk.js";

/** An endpoint that refuses the first `downFor` requests, then lists one upload of the key and aborts it. */
function flakyEndpoint(downFor: number) {
  const sent: string[] = [];
  let requests = 0;
  class ListMultipartUploadsCommand {
    readonly name = "list";
    constructor(readonly input: unknown) {}
  }
  class AbortMultipartUploadCommand {
    readonly name = "abort";
    constructor(readonly input: { UploadId: string }) {}
  }
  const client = {
    async send(command: { name: string; input: { UploadId?: string } }) {
      requests++;
      if (requests <= downFor) throw new Error("connect ECONNREFUSED 127.0.0.1:9000");
      sent.push(command.name === "abort" ? `abort ${command.input.UploadId}` : command.name);
      if (command.name === "list") return { Uploads: [{ Key: "a/b.sql.gz", UploadId: "u1" }], IsTruncated: false };
      return {};
    },
  };
  const ctx = { client, sdk: { ListMultipartUploadsCommand, AbortMultipartUploadCommand } } as unknown as S3Context;
  return { ctx, sent };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe("abortLater", () => {
  it("keeps trying until the endpoint answers, then aborts the key's unfinished upload", async () => {
    const { ctx, sent } = flakyEndpoint(2);
    abortLater(ctx, "bucket", "a/b.sql.gz", silentLogger, (t) => t, [5, 5, 5, 5]);
    await until(() => sent.includes("abort u1"));
    expect(sent).toEqual(["list", "abort u1"]);
  });

  it("gives up after its last try", async () => {
    const { ctx, sent } = flakyEndpoint(100);
    abortLater(ctx, "bucket", "a/b.sql.gz", silentLogger, (t) => t, [5, 5]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toEqual([]);
  });
});
