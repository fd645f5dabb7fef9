import { NsbiInputError } from "../../errors.js";
import type { TrainedBinaryClassifier } from "../../estimators/binary-classifier-training.js";

/** What the ensemble needs of a network: the classifier and the class counts its logit was trained under. */
export type LogRatioMember = Pick<TrainedBinaryClassifier, "network" | "classCounts">;

/**
 * M frozen log-ratio networks f_i(x) ≈ log n(x)/d(x): binary classifiers (n = class 1, d = class 0)
 * whose logit minus the class-prior offset log(N_1/N_0) estimates the log ratio. The networks take a
 * constant conditioning input (the NRE network needs one; it is z-scored to 0 and carries nothing).
 */
export class LogRatioEnsemble<M extends LogRatioMember = LogRatioMember> {
  readonly xDim: number;

  constructor(readonly members: M[]) {
    if (members.length === 0) throw new NsbiInputError("LogRatioEnsemble: need at least one network");
    this.xDim = members[0].network.xDim;
  }

  get size(): number {
    return this.members.length;
  }

  /** f_i(x_r) for every network i: one column of n values per network. */
  evaluate(events: Float64Array, n: number): Float64Array[] {
    if (events.length !== n * this.xDim)
      throw new NsbiInputError(
        `LogRatioEnsemble.evaluate: ${events.length} values for ${n} events of dimension ${this.xDim}`,
      );
    const theta = new Float32Array(n); // the constant input, z-scored: 0
    return this.members.map((m) => {
      const out = new Float64Array(n);
      const net = m.network;
      net.logits("rows", theta, n, net.embed(events, n), out, null);
      const offset = Math.log(m.classCounts.a / m.classCounts.b);
      for (let r = 0; r < n; r++) out[r] -= offset;
      return out;
    });
  }
}
