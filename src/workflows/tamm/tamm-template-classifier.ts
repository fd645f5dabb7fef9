import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import { type TrainedBinaryClassifier, trainBinaryClassifier } from "../../estimators/binary-classifier-training.js";
import type { TrainOptions } from "../../estimators/trainer.js";
import type { TammColumns } from "../../inference/tamm/tamm-columns.js";
import type { KernelChoice } from "../../kernels/select.js";

/**
 * 3 hidden layers × 64 ReLU. The paper's classifier (a 20-class softmax network, 3 × 64 leaky ReLU, 4 bootstrap
 * members) is trainTammSoftmaxClassifier (tamm-softmax-classifier.ts); this binary one-hot-conditioned network
 * against a uniform reference came first and is kept for the uniform-reference study.
 */
export const TAMM_CLASSIFIER_DEFAULTS = { hiddenFeatures: 64, hiddenLayers: 3 } as const;

/** Training defaults (chosen for the toy, not from the paper). */
export const TAMM_TRAIN_DEFAULTS = {
  batchSize: 512,
  learningRate: 2e-3,
  stopAfterEpochs: 5,
  maxEpochs: 30,
} as const satisfies TrainOptions;

export interface TrainTammTemplateClassifierOptions {
  /** One sample per template (rows × xDim, row-major): the K signal templates, then the K background ones. */
  templates: Float64Array[];
  /** Events from the reference q (rows × xDim); each template is paired with as many of them as it has events. */
  reference: Float64Array;
  xDim: number;
  classifier?: { hiddenFeatures?: number; hiddenLayers?: number };
  training?: Omit<TrainOptions, "seed">;
  seed: number;
  kernels?: KernelChoice;
}

/**
 * The neural TAMM inputs: one classifier for all C = 2K templates, conditioned on the template's one-hot
 * index θ = e_c, trained with binary cross-entropy (estimators/binary-classifier-training) on template c's
 * events (label 1, θ = e_c) against as many reference events (label 0, θ = e_c, drawn from the reference
 * pool). The classes are balanced for every c, so at the optimum the logit f(e_c, x) = ln 𝔰_c(x)/q(x): the
 * per-template log-ratios of a C-class softmax classifier against a reference class, from one shared
 * network (an amortised alternative to the softmax; no separate multi-class loss is needed).
 */
export class TammTemplateClassifier {
  constructor(
    readonly trained: TrainedBinaryClassifier,
    readonly classes: number,
  ) {}

  /** ln 𝔰_c/q on each of the n events, for each class c (C columns). */
  logRatios(events: Float64Array, n: number): Float64Array[] {
    const net = this.trained.network,
      c = this.classes;
    if (events.length !== n * net.xDim)
      throw new NsbiInputError(`TammTemplateClassifier.logRatios: ${events.length} values for ${n} events`);
    const context = net.embed(events, n),
      offset = Math.log(this.trained.classCounts.a / this.trained.classCounts.b);
    return Array.from({ length: c }, (_, k) => {
      const theta = new Float32Array(n * c);
      for (let r = 0; r < n; r++) theta[r * c + k] = 1;
      const out = new Float64Array(n);
      net.logits("rows", net.standardizeTheta(theta, n), n, context, out, null);
      for (let r = 0; r < n; r++) out[r] -= offset;
      return out;
    });
  }

  /** The TAMM columns (first K classes signal, last K background) on n events. */
  tammColumns(events: Float64Array, n: number): TammColumns {
    const all = this.logRatios(events, n),
      k = this.classes / 2;
    return { signal: all.slice(0, k), background: all.slice(k) };
  }
}

/** Trains the template classifier (see TammTemplateClassifier). */
export function trainTammTemplateClassifier(o: TrainTammTemplateClassifierOptions): TammTemplateClassifier {
  const c = o.templates.length,
    d = o.xDim;
  if (c < 2 || c % 2 !== 0)
    throw new NsbiInputError(`trainTammTemplateClassifier: templates must hold 2K ≥ 2 samples, got ${c}`);
  const counts = o.templates.map((t, k) => {
    const n = t.length / d;
    if (!Number.isInteger(n) || n < 2)
      throw new NsbiInputError(`trainTammTemplateClassifier: templates[${k}] must hold ≥ 2 whole rows of ${d} values`);
    return n;
  });
  const nRef = o.reference.length / d;
  if (!Number.isInteger(nRef) || nRef < 2)
    throw new NsbiInputError(`trainTammTemplateClassifier: reference must hold ≥ 2 whole rows of ${d} values`);
  const total = 2 * counts.reduce((a, b) => a + b, 0),
    x = new Float32Array(total * d),
    theta = new Float32Array(total * c),
    labels = new Float32Array(total),
    rng = new Rng(o.seed);
  let row = 0;
  o.templates.forEach((t, k) => {
    for (let i = 0; i < counts[k]; i++, row++) {
      for (let j = 0; j < d; j++) x[row * d + j] = t[i * d + j];
      theta[row * c + k] = 1;
      labels[row] = 1;
    }
    for (let i = 0; i < counts[k]; i++, row++) {
      const r = rng.int(nRef);
      for (let j = 0; j < d; j++) x[row * d + j] = o.reference[r * d + j];
      theta[row * c + k] = 1;
    }
  });
  const training = Object.fromEntries(Object.entries(o.training ?? {}).filter(([, v]) => v !== undefined));
  const trained = trainBinaryClassifier({
    data: { theta, x, labels, n: total, thetaDim: c, xDim: d },
    classifier: {
      type: "mlp",
      activation: "relu",
      hiddenFeatures: o.classifier?.hiddenFeatures ?? TAMM_CLASSIFIER_DEFAULTS.hiddenFeatures,
      hiddenLayers: o.classifier?.hiddenLayers ?? TAMM_CLASSIFIER_DEFAULTS.hiddenLayers,
    },
    options: { ...TAMM_TRAIN_DEFAULTS, ...training, seed: rng.forkSeed() },
    ...(o.kernels ? { kernels: o.kernels } : {}),
  });
  return new TammTemplateClassifier(trained, c);
}
