import { fileURLToPath } from "node:url";

/** How to turn the shared Debian root filesystem into one engine's server image. */
export interface StandInRecipe {
  /** Files for the build context: name in the context -> absolute path on this machine. */
  files(): Promise<Record<string, string>>;
  /** Dockerfile lines after `FROM <base>`; COPY the files above, set ENTRYPOINT and CMD. */
  dockerfileLines: string[];
}

/** The folder of entrypoint scripts shipped with this package. */
export const STAND_IN_ASSETS = fileURLToPath(new URL("../../../assets/stand-ins/", import.meta.url));
