import { diagnoseDrawsKind } from "./diagnose-jobs.js";

/** The kinds module of diagnose campaigns: every worker process imports it (docs/campaigns.md). */
export const jobKinds = [diagnoseDrawsKind];

/** This module, for a campaign's `kindsModule`. */
export const DIAGNOSE_KINDS_MODULE = new URL("./diagnose-kinds.js", import.meta.url).href;
