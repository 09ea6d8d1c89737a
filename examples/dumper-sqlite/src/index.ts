import { sqliteDumper } from "./sqlite-dumper.js";

export { sqliteDumper };

/** The agent loads `LB_PLUGINS` packages through their default export. */
export default sqliteDumper;
