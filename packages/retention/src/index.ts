// Retention policy and pruning; the modules are re-exported here.
export {};
