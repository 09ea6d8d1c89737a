import { dirname, join } from "node:path";
import { ensureGoTools, type GoToolSet } from "../go-tools.js";
import { STAND_IN_ASSETS, type StandInRecipe } from "./recipe.js";

/**
 * FerretDB speaks the MongoDB wire protocol; v1 has a SQLite backend, so it needs no
 * other server. `version.txt` is the file its build asks for when built outside its
 * own repository.
 */
export const FERRETDB: GoToolSet = {
  module: "github.com/FerretDB/FerretDB",
  version: "v1.24.2",
  binaries: { ferretdb: "./cmd/ferretdb" },
  tags: ["ferretdb_no_postgresql"],
  files: { "build/version/version.txt": "v1.24.2\n" },
};

/**
 * The MongoDB Database Tools. Their release tags have no `v`, so the module proxy knows
 * them only by pseudo-version; the proxy these machines reach refuses the pseudo-version
 * by name but serves it as `@master`, which is accepted only while it resolves to it.
 */
export const MONGO_TOOLS_VERSION = "v0.0.0-20260702221138-e4f25276abe9";
export const MONGO_TOOLS: GoToolSet = {
  module: "github.com/mongodb/mongo-tools",
  version: MONGO_TOOLS_VERSION,
  binaries: {
    mongodump: "./mongodump/main",
    mongorestore: "./mongorestore/main",
    mongoimport: "./mongoimport/main",
    mongoexport: "./mongoexport/main",
  },
  ldflags: `-X main.VersionStr=${MONGO_TOOLS_VERSION}`,
  alsoQuery: "master",
};

/**
 * A MongoDB stand-in: FerretDB in place of `mongod`, with the database tools that the
 * official image ships beside it, initialised from the same variables
 * (MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD). The Go binaries are built
 * on first use and cached (see go-tools.ts).
 */
export const mongoRecipe: StandInRecipe = {
  async files() {
    const [server, tools] = await Promise.all([ensureGoTools(FERRETDB), ensureGoTools(MONGO_TOOLS)]);
    return { ...server, ...tools, "entrypoint.sh": join(STAND_IN_ASSETS, "mongo-entrypoint.sh") };
  },
  dockerfileLines: [
    "COPY ferretdb mongodump mongorestore mongoimport mongoexport /usr/local/bin/",
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    "RUN mkdir -p /data/db",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    "EXPOSE 27017",
    'CMD ["mongod"]',
  ],
};

/**
 * The folder holding mongodump and mongorestore built for this machine (built on first
 * use, then cached): the client-mode tools "beside the agent" in tests.
 */
export async function mongoToolsFolder(): Promise<string> {
  const tools = await ensureGoTools(MONGO_TOOLS);
  return dirname(tools.mongodump!);
}
