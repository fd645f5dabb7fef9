import { evaluateStudyModelKind, kStudyKind, trainStudyModelKind } from "./study-jobs.js";

/**
 * The kinds module of the signal-strength study: the local worker pool (src/node/campaigns) imports it in
 * every worker process to run the study's jobs (docs/campaigns.md, "The local pool").
 */
export const jobKinds = [trainStudyModelKind, evaluateStudyModelKind, kStudyKind];
