import { NsbiInputError } from "../../errors.js";
import { Tape } from "../../engine/tape.js";
import { Tensor } from "../../engine/tensor.js";
import { EVALUATION_ROWS } from "../../estimators/network-limits.js";
import type { NleNetwork } from "../../estimators/nle-network.js";
import type { TrainingMetadata } from "../../estimators/training-metadata.js";
import type {
  ComponentValues,
  ComponentValuesWithGradient,
  MixtureComponents,
} from "../../inference/mixture/mixture-components.js";
import { checkModelEvents, type TrainedOn } from "./mixture-model.js";

/** log q(x | z) of a flow on EVALUATION_ROWS rows with d/dz per row (z is an input of every row). */
interface PerEventGradientGraph {
  tape: Tape;
  x: Tensor;
  z: Tensor;
  logProb: Tensor;
}

/**
 * Direct likelihood estimation (Sluijter et al. 2025, §2.1): two conditional flows p̂_sig(x | z) and
 * p̂_back(x | z), each an NLE network over x with the nuisance z as its (embedded) condition. The values
 * are normalised log densities in the units of x (no per-event reference).
 *
 * `evaluate` is NleNetwork.logLikelihood with one z shared by all events. `evaluateWithGradient` runs the
 * same flow on a tape of its own whose z input has a gradient, so that one backward pass gives
 * ∂/∂z log p̂(x_i | z) for every event separately (NleNetwork's θ-gradients are sums over iid events).
 */
export class DleModel implements MixtureComponents {
  readonly kind = "dle";
  readonly xDim: number;
  private readonly graphs = new Map<NleNetwork, PerEventGradientGraph>();

  constructor(
    readonly signal: NleNetwork,
    readonly background: NleNetwork,
    readonly trainedOn: TrainedOn,
    readonly metadata: { signal: TrainingMetadata | null; background: TrainingMetadata | null },
  ) {
    for (const [name, net] of [
      ["signal", signal],
      ["background", background],
    ] as const) {
      if (net.thetaDim !== 1)
        throw new NsbiInputError(`DleModel: the ${name} flow is conditioned on ${net.thetaDim} values, expected 1 (z)`);
      if (net.xDim !== trainedOn.xDim)
        throw new NsbiInputError(`DleModel: the ${name} flow is over ${net.xDim} columns, expected ${trainedOn.xDim}`);
    }
    this.xDim = trainedOn.xDim;
  }

  evaluate(events: Float64Array, nEvents: number, z: number): ComponentValues {
    checkModelEvents(events, nEvents, z, this.xDim, "DleModel.evaluate");
    if (nEvents === 0) return { logSignal: new Float64Array(0), logBackground: new Float64Array(0) };
    const zRow = Float64Array.of(z);
    return {
      logSignal: this.signal.logLikelihood(events, zRow, nEvents),
      logBackground: this.background.logLikelihood(events, zRow, nEvents),
    };
  }

  evaluateWithGradient(events: Float64Array, nEvents: number, z: number): ComponentValuesWithGradient {
    checkModelEvents(events, nEvents, z, this.xDim, "DleModel.evaluateWithGradient");
    const s = this.withGradient(this.signal, events, nEvents, z),
      b = this.withGradient(this.background, events, nEvents, z);
    return { logSignal: s.value, dLogSignal: s.grad, logBackground: b.value, dLogBackground: b.grad };
  }

  /** log p̂(x_i | z) and ∂/∂z of it per event, in the original units of x and z. */
  private withGradient(
    net: NleNetwork,
    events: Float64Array,
    n: number,
    z: number,
  ): { value: Float64Array; grad: Float64Array } {
    const g = this.graph(net),
      D = this.xDim,
      st = net.config.standardization,
      jac = net.xLogJacobian,
      zScaled = (z - st.thetaMean[0]) / st.thetaStd[0],
      invZStd = 1 / st.thetaStd[0];
    const value = new Float64Array(n),
      grad = new Float64Array(n);
    const invXStd = st.xStd.map((v) => 1 / v);
    for (let s = 0; s < n; s += EVALUATION_ROWS) {
      const R = Math.min(EVALUATION_ROWS, n - s);
      let f = net.kernels.heap.f32;
      for (let r = 0; r < R; r++) {
        const e = (s + r) * D,
          row = g.x.ptr + r * g.x.ld;
        for (let c = 0; c < D; c++) f[row + c] = (events[e + c] - st.xMean[c]) * invXStd[c];
        f[g.z.ptr + r * g.z.ld] = zScaled;
      }
      g.tape.forward(R);
      f = net.kernels.heap.f32;
      for (let r = 0; r < R; r++) {
        value[s + r] = f[g.logProb.ptr + r * g.logProb.ld] + jac;
        const o = g.logProb.grad + r * g.logProb.ld;
        f[o] = 1;
        for (let c = 1; c < g.logProb.ld; c++) f[o + c] = 0;
      }
      g.tape.backward(R);
      f = net.kernels.heap.f32;
      for (let r = 0; r < R; r++) grad[s + r] = f[g.z.grad + r * g.z.ld] * invZStd;
    }
    return { value, grad };
  }

  /** The per-event gradient tape of one flow (built once, in the network's heap). */
  private graph(net: NleNetwork): PerEventGradientGraph {
    const have = this.graphs.get(net);
    if (have) return have;
    const k = net.kernels,
      tape = new Tape();
    const x = Tensor.alloc(k, EVALUATION_ROWS, net.xDim, false);
    const z = Tensor.alloc(k, EVALUATION_ROWS, 1, true);
    const context = net.embedding ? net.embedding.apply(tape, z, true) : z;
    const logProb = net.core.flow.logProb(tape, x, context, true);
    // only d/d(inputs) is wanted: no weight gradients
    tape.inputGradientsOnly = true;
    tape.finalize();
    const g = { tape, x, z, logProb };
    this.graphs.set(net, g);
    return g;
  }
}
