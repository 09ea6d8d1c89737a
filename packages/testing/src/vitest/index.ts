export { testEngine } from "./test-engine.js";
