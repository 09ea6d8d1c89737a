import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseImage, followProgress, imageExists } from "@lb/testing";
import { build } from "esbuild";

const CLI = new URL("./mongo-tools-cli.ts", import.meta.url).pathname;
// The driver's optional add-ons (compression, Kerberos, cloud credentials): not installed, not needed.
const OPTIONAL = [
  "kerberos",
  "snappy",
  "socks",
  "aws4",
  "gcp-metadata",
  "mongodb-client-encryption",
  "@mongodb-js/zstd",
  "@aws-sdk/credential-providers",
];

const wrapper = (tool: string) => `#!/bin/sh\nexec /usr/local/bin/node /opt/lb-mongo-tools/cli.cjs ${tool} "$@"\n`;

/**
 * The MongoDB server image with stand-ins for `mongodump` and `mongorestore` added (see
 * mongo-tools-cli.ts): this test process's own Node and the CLI bundled into one file.
 */
export async function mongoToolsStandInImage(docker: Parameters<typeof databaseImage>[0]): Promise<string> {
  const base = await databaseImage(docker, "mongo");
  const work = await mkdtemp(join(tmpdir(), "lb-mongo-tools-"));
  try {
    await build({
      entryPoints: [CLI],
      outfile: join(work, "cli.cjs"),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node24",
      conditions: ["@lb/source"],
      external: OPTIONAL,
      logLevel: "error",
    });
    const dockerfile = [
      `FROM ${base}`,
      "COPY node /usr/local/bin/node",
      "COPY cli.cjs /opt/lb-mongo-tools/cli.cjs",
      "COPY mongodump mongorestore /usr/local/bin/",
    ].join("\n");
    const hash = createHash("sha256")
      .update(dockerfile)
      .update(process.version)
      .update(await readFile(join(work, "cli.cjs")))
      .digest("hex")
      .slice(0, 16);
    const name = `lb-standin-mongo-tools:${hash}`;
    if (await imageExists(docker, name)) return name;
    await writeFile(join(work, "Dockerfile"), `${dockerfile}\n`);
    await copyFile(process.execPath, join(work, "node"));
    for (const tool of ["mongodump", "mongorestore"]) await writeFile(join(work, tool), wrapper(tool), { mode: 0o755 });
    const stream = await docker.buildImage(
      { context: work, src: ["Dockerfile", "node", "cli.cjs", "mongodump", "mongorestore"] },
      { t: name, rm: true },
    );
    await followProgress(docker, stream);
    return name;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
