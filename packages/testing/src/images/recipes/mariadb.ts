import { join } from "node:path";
import { STAND_IN_ASSETS, type StandInRecipe } from "./recipe.js";

export const mariadbRecipe: StandInRecipe = {
  files: async () => ({ "entrypoint.sh": join(STAND_IN_ASSETS, "mariadb-entrypoint.sh") }),
  dockerfileLines: [
    // Debian bookworm ships MariaDB 10.11, with mariadb-dump and its mysqldump symlink.
    // The Debian package initialised a data folder at install time; the official image
    // starts empty and initialises from the environment on first start.
    "RUN rm -rf /var/lib/mysql && mkdir -p /var/lib/mysql",
    "COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    // As in the official image, arguments go to the server: `mariadbd --port=N` for host networking.
    'CMD ["mariadbd"]',
  ],
};
