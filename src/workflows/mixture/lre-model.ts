import { NsbiInputError } from "../../errors.js";
import type { NreNetwork } from "../../estimators/nre-network.js";
import type { TrainingMetadata } from "../../estimators/training-metadata.js";
import type {
  ComponentValues,
  ComponentValuesWithGradient,
  MixtureComponents,
} from "../../inference/mixture/mixture-components.js";
import { type LreNormalization, lreNormalizationAt } from "./lre-normalization.js";
import { checkModelEvents, type TrainedOn } from "./mixture-model.js";

/** Rows of class A (the component at z ~ U) and class B (the reference set) a classifier was trained on. */
export interface ClassCounts {
  a: number;
  b: number;
}

/** One classifier of LRE with the class counts its logit is corrected for. */
export interface LreClassifier {
  network: NreNetwork;
  classCounts: ClassCounts;
  /**
   * log E_q[r̂(·, z)] on a z grid, subtracted so that the ratio is normalised at every z (lre-normalization.ts);
   * absent or null: the raw corrected logit (models of format version 1).
   */
  normalization?: LreNormalization | null;
}

/**
 * Likelihood-ratio estimation (Sluijter et al. 2025, §2.2): two classifiers f_c(x, z), c = signal and
 * background, each trained to separate its component's events (z ~ U per event) from one shared
 * reference set generated at z0 as a 50/50 signal/background mixture and presented with z ~ U (eq. 5).
 * With the class-prior correction of eq. 3,
 *
 *   log r̂_c(x, z) = logit f_c(x, z) − log(n_A,c / n_B,c) ≈ log p_c(x | z) − log q(x),
 *   q(x) = p(x | μ0 = 1, z0) = ½ p_sig(x | z0) + ½ p_back(x | z0),
 *
 * so both components are relative to the same per-event reference q(x_i) and eq. 4 combines them with
 * one denominator (the MixtureComponents contract allows exactly that: it cancels in every ΔNLL). When a
 * classifier carries a normalisation, log E_q[r̂_c(·, z)] is subtracted as well, so that each ratio
 * integrates to one against q at every z, as a true ratio does (lre-normalization.ts).
 */
export class LreModel implements MixtureComponents {
  readonly kind = "lre";
  readonly xDim: number;

  constructor(
    readonly signal: LreClassifier,
    readonly background: LreClassifier,
    readonly trainedOn: TrainedOn,
    readonly metadata: { signal: TrainingMetadata | null; background: TrainingMetadata | null },
  ) {
    for (const [name, c] of [
      ["signal", signal],
      ["background", background],
    ] as const) {
      if (c.network.thetaDim !== 1)
        throw new NsbiInputError(
          `LreModel: the ${name} classifier takes ${c.network.thetaDim} nuisance values, expected 1`,
        );
      if (c.network.xDim !== trainedOn.xDim)
        throw new NsbiInputError(
          `LreModel: the ${name} classifier takes ${c.network.xDim} columns, expected ${trainedOn.xDim}`,
        );
      if (!(c.classCounts.a > 0 && c.classCounts.b > 0 && Number.isFinite(c.classCounts.a + c.classCounts.b)))
        throw new NsbiInputError(`LreModel: the ${name} classifier's class counts must be positive`);
    }
    this.xDim = trainedOn.xDim;
  }

  /** The class-prior offset log(n_A / n_B) subtracted from a classifier's logit (0 for balanced classes). */
  static classPriorOffset(c: ClassCounts): number {
    return Math.log(c.a / c.b);
  }

  evaluate(events: Float64Array, nEvents: number, z: number): ComponentValues {
    checkModelEvents(events, nEvents, z, this.xDim, "LreModel.evaluate");
    return {
      logSignal: classifierLogRatio(this.signal, events, nEvents, z, null),
      logBackground: classifierLogRatio(this.background, events, nEvents, z, null),
    };
  }

  evaluateWithGradient(events: Float64Array, nEvents: number, z: number): ComponentValuesWithGradient {
    checkModelEvents(events, nEvents, z, this.xDim, "LreModel.evaluateWithGradient");
    const dLogSignal = new Float64Array(nEvents),
      dLogBackground = new Float64Array(nEvents);
    return {
      logSignal: classifierLogRatio(this.signal, events, nEvents, z, dLogSignal),
      logBackground: classifierLogRatio(this.background, events, nEvents, z, dLogBackground),
      dLogSignal,
      dLogBackground,
    };
  }
}

/** log r̂_c(x_i, z) per event (normalised if the classifier has a normalisation), and with `grad` its ∂/∂z (in the original units of z). */
export function classifierLogRatio(
  c: LreClassifier,
  events: Float64Array,
  n: number,
  z: number,
  grad: Float64Array | null,
): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  const net = c.network,
    st = net.config.standardization;
  const zRows = new Float32Array(n).fill((z - st.thetaMean[0]) / st.thetaStd[0]);
  net.logits("rows", zRows, n, net.embed(events, n), out, grad);
  const norm = c.normalization ? lreNormalizationAt(c.normalization, z) : { value: 0, derivative: 0 };
  const offset = LreModel.classPriorOffset(c.classCounts) + norm.value;
  for (let i = 0; i < n; i++) out[i] -= offset;
  if (grad) for (let i = 0; i < n; i++) grad[i] = grad[i] / st.thetaStd[0] - norm.derivative;
  return out;
}
