import { experimentsKind, sandwichKind, trainEnsembleKind } from "./study-jobs.js";

/**
 * The kinds module of the w_i f_i coverage study: the local worker pool (src/node/campaigns) and
 * `nsbi worker` import it to run the study's jobs (docs/campaigns.md, "The local pool").
 */
export const jobKinds = [trainEnsembleKind, experimentsKind, sandwichKind];
