export { type AgentOptions, type RunningAgent, startAgent } from "./agent.js";
export { type BackupOutcome, runBackup } from "./backup/run-backup.js";
export { EXIT, main } from "./cli.js";
