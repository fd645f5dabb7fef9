import { throwBatchKind } from "./throw-batches.js";
import { throwInferenceBatchKind, throwsCentralKind } from "./throws-inference-batches.js";

/** The kinds module of T2K throw campaigns: every worker process imports it (docs/campaigns.md). */
export const jobKinds = [throwBatchKind, throwInferenceBatchKind, throwsCentralKind];

/** This module, for a campaign's `kindsModule`. */
export const T2K_KINDS_MODULE = new URL("./t2k-kinds.js", import.meta.url).href;
