import { mariadbRecipe } from "./mariadb.js";
import { postgresRecipe } from "./postgres.js";
import type { StandInRecipe } from "./recipe.js";

/** One entry per engine the harness can serve; each engine's recipe lives in its own file. */
export const STAND_IN_RECIPES = {
  postgres: postgresRecipe,
  mariadb: mariadbRecipe,
} satisfies Record<string, StandInRecipe>;

export type StandInEngine = keyof typeof STAND_IN_RECIPES;
