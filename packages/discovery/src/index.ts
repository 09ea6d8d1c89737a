export { connectDocker } from "./connect.js";
export { createDemuxer } from "./demux.js";
export { createDockerRuntime, parseEnvList } from "./docker-runtime.js";
export { type LabelledContainer, listContainersWithBackupLabels, listLabelledContainers } from "./list-containers.js";
export {
  type ContainerEvent,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type WatchOptions,
  watchContainerEvents,
} from "./watch-events.js";
