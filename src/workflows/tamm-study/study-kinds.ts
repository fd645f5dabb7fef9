import { tammDijetExperimentsKind } from "./dijet-experiments-kind.js";
import { tammExperimentsKind } from "./study-jobs.js";

/**
 * The kinds module of the TAMM coverage study: the local worker pool (src/node/campaigns) and
 * `nsbi worker` import it to run the study's jobs (docs/campaigns.md, "The local pool").
 */
export const jobKinds = [tammExperimentsKind, tammDijetExperimentsKind];
