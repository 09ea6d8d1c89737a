import { join } from "node:path";
import { STAND_IN_ASSETS, type StandInRecipe } from "./recipe.js";

/** Debian bookworm's Redis 7.0, laid out as the official image: /data as the working folder. */
export const redisRecipe: StandInRecipe = {
  files: async () => ({ "entrypoint.sh": join(STAND_IN_ASSETS, "redis-entrypoint.sh") }),
  dockerfileLines: [
    "RUN mkdir -p /data && chown redis:redis /data",
    "WORKDIR /data",
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    "EXPOSE 6379",
    'CMD ["redis-server"]',
  ],
};
