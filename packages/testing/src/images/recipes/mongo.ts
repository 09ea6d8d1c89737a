import { join } from "node:path";
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
 * A MongoDB server stand-in: FerretDB in place of `mongod`, initialised from the official
 * image's variables (MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD). It has no
 * MongoDB database tools: the module proxy no longer serves mongo-tools, so nothing here
 * may depend on them. FerretDB is built on first use and cached (see go-tools.ts).
 */
export const mongoRecipe: StandInRecipe = {
  async files() {
    const server = await ensureGoTools(FERRETDB);
    return { ...server, "entrypoint.sh": join(STAND_IN_ASSETS, "mongo-entrypoint.sh") };
  },
  dockerfileLines: [
    "COPY ferretdb /usr/local/bin/",
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    "RUN mkdir -p /data/db",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    "EXPOSE 27017",
    'CMD ["mongod"]',
  ],
};
