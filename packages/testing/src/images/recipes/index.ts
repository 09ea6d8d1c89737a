import { mariadbRecipe } from "./mariadb.js";
import { mongoRecipe } from "./mongo.js";
import { postgresRecipe } from "./postgres.js";
import type { StandInRecipe } from "./recipe.js";
import { redisRecipe } from "./redis.js";

/** One entry per engine the harness can serve; each engine's recipe lives in its own file. */
export const STAND_IN_RECIPES = {
  postgres: postgresRecipe,
  redis: redisRecipe,
  mongo: mongoRecipe,
  mariadb: mariadbRecipe,
} satisfies Record<string, StandInRecipe>;

export type StandInEngine = keyof typeof STAND_IN_RECIPES;
