import { join } from "node:path";
import { STAND_IN_ASSETS, type StandInRecipe } from "./recipe.js";

export const postgresRecipe: StandInRecipe = {
  files: async () => ({ "entrypoint.sh": join(STAND_IN_ASSETS, "postgres-entrypoint.sh") }),
  dockerfileLines: [
    // Debian bookworm ships PostgreSQL 15; the official image puts its bin folder on PATH too.
    "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    'CMD ["postgres"]',
  ],
};
