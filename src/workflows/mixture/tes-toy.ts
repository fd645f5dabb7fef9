import type { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import type {
  ComponentValues,
  ComponentValuesWithGradient,
  MixtureComponents,
} from "../../inference/mixture/mixture-components.js";
import { TES_TOY_EVENTS, type TesToyClassEvents } from "./generated/tes-toy-events.js";
import type { MixtureSimulator } from "./mixture-simulator.js";
import { GaussianKde2d, type GaussianKde2dOptions } from "./tes-toy-kde.js";

/**
 * The TES toy: a stand-in, with a known likelihood, for the H→ττ (signal) versus Z→ττ (background) samples of
 * Sluijter, Diefenbacher, Bhimji, Nachman 2025, "Discriminative versus generative approaches to
 * simulation-based inference" §3.2, whose 7M Delphes events are not available. It is a **toy**, not the
 * paper's samples.
 *
 * Each class's density in u = (ln m_vis/GeV, ln pT_ℓ/pT_τh) is a Gaussian KDE (Scott's bandwidth) of the
 * 336 htautau or 634 ztautau events of the FAIR Universe HiggsML 1000-event sample
 * (data/fair-universe-tes-toy/PROVENANCE.md). The tau energy scale z multiplies the hadronic tau's
 * four-momentum; with the massless visible mass m_vis² = 2 pT_ℓ pT_τh (cosh Δη − cos Δφ) that is exactly
 * u → u + s(z), s(z) = (½ ln z, −ln z). Events are u after the shift; the true density is the KDE at
 * u − s(z), and ∂/∂z log p = −∇log KDE(u − s(z)) · s'(z), s'(z) = (1/(2z), −1/z).
 * Training range z ∈ [0.9, 1.1], z0 = 1 (the range is not in the paper; suggested by the spec).
 */
export class TesToySimulator implements MixtureSimulator {
  readonly name = "tes-toy";
  readonly xDim = 2;
  readonly zRange: readonly [number, number] = [0.9, 1.1];
  readonly z0 = 1;
  /** the htautau density at z = 1 */
  readonly signalDensity: GaussianKde2d;
  /** the ztautau density at z = 1 */
  readonly backgroundDensity: GaussianKde2d;
  readonly truth: MixtureComponents;

  constructor(options: GaussianKde2dOptions = {}) {
    this.signalDensity = new GaussianKde2d(logPoints(TES_TOY_EVENTS.htautau), "TES toy htautau", options);
    this.backgroundDensity = new GaussianKde2d(logPoints(TES_TOY_EVENTS.ztautau), "TES toy ztautau", options);
    this.truth = new TesToyTruth(this.signalDensity, this.backgroundDensity);
  }

  /** Signal events at the given TES values (per event: rng.int, two normals). */
  sampleSignal(zs: Float64Array, rng: Rng): Float64Array {
    return sampleShifted(this.signalDensity, zs, rng);
  }

  /** Background events at the given TES values (per event: rng.int, two normals). */
  sampleBackground(zs: Float64Array, rng: Rng): Float64Array {
    return sampleShifted(this.backgroundDensity, zs, rng);
  }
}

/** (ln m_vis, ln pT ratio) per event, row-major. */
function logPoints(events: TesToyClassEvents): Float64Array {
  const n = events.massVis.length,
    out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = Math.log(events.massVis[i]);
    out[2 * i + 1] = Math.log(events.ptRatio[i]);
  }
  return out;
}

function checkTes(z: number, where: string): void {
  if (!(Number.isFinite(z) && z > 0)) throw new NsbiInputError(`TES toy: ${where} must be a positive TES, got ${z}`);
}

function sampleShifted(kde: GaussianKde2d, zs: Float64Array, rng: Rng): Float64Array {
  if (!(zs instanceof Float64Array)) throw new NsbiInputError("TES toy: zs must be a Float64Array");
  for (let i = 0; i < zs.length; i++) checkTes(zs[i], `zs[${i}]`);
  const out = new Float64Array(2 * zs.length);
  for (let i = 0; i < zs.length; i++) {
    kde.sampleInto(out, 2 * i, rng);
    const lz = Math.log(zs[i]);
    out[2 * i] += 0.5 * lz;
    out[2 * i + 1] -= lz;
  }
  return out;
}

/** The exact component densities of the TES toy. */
class TesToyTruth implements MixtureComponents {
  readonly xDim = 2;
  constructor(
    private readonly signal: GaussianKde2d,
    private readonly background: GaussianKde2d,
  ) {}

  evaluate(events: Float64Array, nEvents: number, z: number): ComponentValues {
    return this.run(events, nEvents, z, false);
  }

  evaluateWithGradient(events: Float64Array, nEvents: number, z: number): ComponentValuesWithGradient {
    return this.run(events, nEvents, z, true) as ComponentValuesWithGradient;
  }

  private run(events: Float64Array, nEvents: number, z: number, withGradient: boolean) {
    if (!Number.isInteger(nEvents) || nEvents < 0)
      throw new NsbiInputError(`TES toy truth: nEvents must be a non-negative integer, got ${nEvents}`);
    if (!(events instanceof Float64Array) || events.length !== 2 * nEvents)
      throw new NsbiInputError(
        `TES toy truth: events must be a Float64Array of nEvents × 2 = ${2 * nEvents} values, got ${events?.length}`,
      );
    checkTes(z, "z");
    const s0 = 0.5 * Math.log(z),
      s1 = -Math.log(z),
      ds0 = 0.5 / z,
      ds1 = -1 / z;
    const logSignal = new Float64Array(nEvents),
      logBackground = new Float64Array(nEvents);
    const dLogSignal = withGradient ? new Float64Array(nEvents) : null,
      dLogBackground = withGradient ? new Float64Array(nEvents) : null;
    const g = withGradient ? new Float64Array(2) : null;
    for (let i = 0; i < nEvents; i++) {
      const v0 = events[2 * i] - s0,
        v1 = events[2 * i + 1] - s1;
      if (!(Number.isFinite(v0) && Number.isFinite(v1)))
        throw new NsbiInputError(`TES toy truth: event ${i} is not finite`);
      logSignal[i] = this.signal.evaluate(v0, v1, g);
      if (g && dLogSignal) dLogSignal[i] = -(g[0] * ds0 + g[1] * ds1);
      logBackground[i] = this.background.evaluate(v0, v1, g);
      if (g && dLogBackground) dLogBackground[i] = -(g[0] * ds0 + g[1] * ds1);
    }
    return dLogSignal && dLogBackground
      ? { logSignal, logBackground, dLogSignal, dLogBackground }
      : { logSignal, logBackground };
  }
}
