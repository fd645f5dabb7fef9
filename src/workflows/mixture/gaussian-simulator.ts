import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type {
  ComponentValues,
  ComponentValuesWithGradient,
  MixtureComponents,
} from "../../inference/mixture/mixture-components.js";
import type { MixtureSimulator } from "./mixture-simulator.js";

/** Options of the two-Gaussian example. */
export interface GaussianMixtureSimulatorOptions {
  /** distance of each component's mean from the origin: 2 is the paper's "large distance", 0.5 its "small" */
  readonly r: number;
}

/** log(2π): the normalisation of a 2-D standard normal. */
const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * The Gaussian example of Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative
 * approaches to simulation-based inference", §3.1, eqs. 6–7:
 * X_back ~ N((r cos z, r sin z), I₂), X_sig ~ N((−r cos z, −r sin z), I₂), z ∈ [0, π/2], z0 = π/4.
 * The nuisance rotates both means around the origin; `truth` gives the exact component densities and
 * their z-derivatives (the "true likelihood" of the paper's k study).
 */
export class GaussianMixtureSimulator implements MixtureSimulator {
  readonly name: string;
  readonly xDim = 2;
  readonly zRange: readonly [number, number] = [0, Math.PI / 2];
  readonly z0 = Math.PI / 4;
  readonly r: number;
  readonly truth: MixtureComponents;

  constructor(options: GaussianMixtureSimulatorOptions) {
    const r = options?.r;
    if (typeof r !== "number" || !Number.isFinite(r) || r <= 0 || r > 1e3)
      throw new NsbiInputError(`GaussianMixtureSimulator: r must be a finite number in (0, 1000], got ${String(r)}`);
    this.r = r;
    this.name = `gaussian-mixture-r${r}`;
    this.truth = new GaussianMixtureTruth(r);
  }

  sampleSignal(zs: Float64Array, rng: Rng): Float64Array {
    return sampleShifted(zs, -this.r, rng);
  }

  sampleBackground(zs: Float64Array, rng: Rng): Float64Array {
    return sampleShifted(zs, this.r, rng);
  }
}

/** Events N((a cos z, a sin z), I₂), one per z; two normals per event, in row order. */
function sampleShifted(zs: Float64Array, a: number, rng: Rng): Float64Array {
  checkZs(zs);
  const n = zs.length,
    out = new Float64Array(2 * n);
  rng.fillNormal(out);
  for (let i = 0; i < n; i++) {
    out[2 * i] += a * Math.cos(zs[i]);
    out[2 * i + 1] += a * Math.sin(zs[i]);
  }
  return out;
}

function checkZs(zs: Float64Array): void {
  if (!(zs instanceof Float64Array)) throw new NsbiInputError("GaussianMixtureSimulator: zs must be a Float64Array");
  for (let i = 0; i < zs.length; i++)
    if (!Number.isFinite(zs[i]))
      throw new NsbiInputError(`GaussianMixtureSimulator: zs[${i}] must be finite, got ${zs[i]}`);
}

/**
 * Exact densities of the two components: log N(x; ±m(z), I₂) = −log 2π − ½|x ∓ m(z)|², m(z) = r(cos z, sin z),
 * and ∂/∂z log N(x; ±m, I₂) = ±(x ∓ m)·m'(z) with m'(z) = r(−sin z, cos z).
 */
class GaussianMixtureTruth implements MixtureComponents {
  readonly xDim = 2;
  constructor(private readonly r: number) {}

  evaluate(events: Float64Array, nEvents: number, z: number): ComponentValues {
    const { logSignal, logBackground } = this.evaluateWithGradient(events, nEvents, z);
    return { logSignal, logBackground };
  }

  evaluateWithGradient(events: Float64Array, nEvents: number, z: number): ComponentValuesWithGradient {
    checkEvents(events, nEvents, z);
    const mx = this.r * Math.cos(z),
      my = this.r * Math.sin(z),
      dmx = -my,
      dmy = mx;
    const logSignal = new Float64Array(nEvents),
      logBackground = new Float64Array(nEvents),
      dLogSignal = new Float64Array(nEvents),
      dLogBackground = new Float64Array(nEvents);
    for (let i = 0; i < nEvents; i++) {
      const x = events[2 * i],
        y = events[2 * i + 1];
      const bx = x - mx,
        by = y - my,
        sx = x + mx,
        sy = y + my;
      logBackground[i] = -LOG_TWO_PI - 0.5 * (bx * bx + by * by);
      logSignal[i] = -LOG_TWO_PI - 0.5 * (sx * sx + sy * sy);
      dLogBackground[i] = bx * dmx + by * dmy;
      dLogSignal[i] = -(sx * dmx + sy * dmy);
    }
    return { logSignal, logBackground, dLogSignal, dLogBackground };
  }
}

function checkEvents(events: Float64Array, nEvents: number, z: number): void {
  if (!Number.isInteger(nEvents) || nEvents < 0)
    throw new NsbiInputError(`GaussianMixtureSimulator truth: nEvents must be a non-negative integer, got ${nEvents}`);
  if (!(events instanceof Float64Array) || events.length !== 2 * nEvents)
    throw new NsbiInputError(
      `GaussianMixtureSimulator truth: events must be a Float64Array of nEvents × 2 = ${2 * nEvents} values, got ${events?.length}`,
    );
  if (!Number.isFinite(z)) throw new NsbiInputError(`GaussianMixtureSimulator truth: z must be finite, got ${z}`);
}
