/**
 * The cluster entry (`nsbi/cluster`): campaigns on many machines through Redis and BullMQ
 * (docs/campaigns.md, "Running a study on a cluster"). A separate entry so that `import "nsbi"` does not
 * load bullmq and ioredis (about 2 s) for users who never leave one machine.
 */
import "./node/relaxed-simd.js";

export { BullMqExecutor, campaignQueueName, type BullMqOptions } from "./node/campaigns/bullmq-dispatcher.js";
export {
  startBullMqWorker,
  type BullMqWorkerHandle,
  type BullMqWorkerOptions,
} from "./node/campaigns/bullmq-worker.js";
