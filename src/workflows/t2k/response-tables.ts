/**
 * Precomputed response tables of the T2K CC0π forward model: the parameters enter only through
 * weights on these tables, so one prediction costs a few thousand multiply-adds.
 *
 * - CCQE: a seeded, energy-stratified Monte Carlo over the ND280 flux and the nuclear ground state
 *   (Pauli blocking, binding) gives, for every (T2K bin b, Q² cell q), the flux-averaged integrals
 *   c_k[b, q] of the Llewellyn Smith bracket's coefficients a_k (bracket = a₀ + a₁F_A + a₂F_A²).
 *   A prediction is Σ_q w_RPA(q) (c₀ + c₁F_A(q) + c₂F_A(q)²), so M_A enters exactly through the
 *   dipole F_A, evaluated at the Q² cell centre (cells 0.01 GeV² wide below 1 GeV²).
 * - MEC: for each of the two shapes, the fraction of the nominal MEC cross section per bin,
 *   normalised energy by energy to the same σ_MEC(E) (so the shape mix never changes the total).
 * - Background: CC1π (Δ) with the pion absorbed, fixed.
 * All tables are integrated over the bin (not divided by its area), in 10⁻³⁸ cm² per nucleon of
 * CH: a ¹²C nucleus (6 neutrons) per 13 nucleons; hydrogen contributes no CC0π (ν p has no CCQE
 * channel and its pions cannot be absorbed).
 *
 * @see C. H. Llewellyn Smith, Phys. Rep. 3, 261 (1972); docs/t2k-model.md
 */
import { NsbiInputError } from "../../errors.js";
import { Rng } from "../../engine/rng.js";
import { NOMINAL_MA_CCQE } from "./genie-dials.js";
import { dipoleProposal, drawInelastic, type MuonDraw } from "./inelastic-shapes.js";
import { lsCoefficients, lsTotalCrossSection, type LsCoefficients } from "./llewellyn-smith.js";
import { nievesRpaRatio } from "./nieves-rpa.js";
import {
  FreeNucleon,
  RelativisticFermiGas,
  SpectralFunctionLike,
  type BoundNucleon,
  type GroundState,
} from "./nuclear-ground-state.js";
import { COS_CABIBBO, G_FERMI, HBARC2_CM2, M_MUON, M_NEUTRON, M_NUCLEON, M_PROTON } from "./physical-constants.js";
import { t2kBinIndex67 } from "./t2k-binning.js";
import type { FluxHistogram } from "./t2k-data.js";
import type { T2kModelConfig } from "./t2k-model-config.js";

/** Nucleons per CH molecule (¹²C: 6 p + 6 n; H: 1 p). */
export const NUCLEONS_PER_CH = 13;

/** Λ² (GeV²) of the CCQE importance-sampling proposal in Q² − Q²min. */
const QE_PROPOSAL_LAMBDA2 = 0.35;

/** Options of the table build. */
export interface TableOptions {
  /** CCQE Monte Carlo events (default 600,000). */
  qeEvents?: number;
  /** Events per MEC/background shape (default 200,000 each). */
  inelasticEvents?: number;
  /** Minimum events in every non-empty flux bin (default 300). */
  minPerEnergyBin?: number;
  /** Seed of the table build (default 20160215); the tables are a deterministic function of it. */
  seed?: number;
}

/** The tables; see the module comment. */
export interface T2kResponseTables {
  config: T2kModelConfig;
  /** Q² cell centres (GeV²) and the RPA ratio R there. */
  q2Mid: Float64Array;
  rpaRatio: Float64Array;
  /** Sparse CCQE table: for 67-bin b, entries [cellStart[b], cellStart[b+1]). */
  cellStart: Int32Array;
  cellQ: Int32Array;
  c0: Float64Array;
  c1: Float64Array;
  c2: Float64Array;
  /** Nominal MEC per 67-bin for shapes[0] and shapes[1]; each sums (over the 67 bins) to the same total. */
  mec: [Float64Array, Float64Array];
  /** Fixed pion-absorption background per 67-bin. */
  background: Float64Array;
}

/** Q² cell edges: 0.01 GeV² to 1, 0.02 to 2, 0.1 to 4, then one cell [4, ∞). */
export const Q2_CELLS = 171;
/** Q² cell of a Q² value (GeV²). */
export function q2Cell(q2: number): number {
  if (q2 < 1) return Math.max(0, Math.floor(q2 / 0.01));
  if (q2 < 2) return Math.min(149, 100 + Math.floor((q2 - 1) / 0.02));
  if (q2 < 4) return Math.min(169, 150 + Math.floor((q2 - 2) / 0.1));
  return 170;
}
function q2CellMid(q: number): number {
  if (q < 100) return 0.01 * (q + 0.5);
  if (q < 150) return 1 + 0.02 * (q - 100 + 0.5);
  if (q < 170) return 2 + 0.1 * (q - 150 + 0.5);
  return 5;
}

function groundState(c: T2kModelConfig): GroundState {
  if (c.nucleus === "rfg") return new RelativisticFermiGas(c.kFermi, c.removalEnergy);
  if (c.nucleus === "sf-like") return new SpectralFunctionLike(c.kFermi);
  return new FreeNucleon();
}

/** Flux strata: the non-empty flux bins, their flux fraction and event counts. */
function strata(
  flux: FluxHistogram,
  events: number,
  minPer: number,
): { lo: number; hi: number; frac: number; n: number }[] {
  const total = flux.inBin.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new NsbiInputError("buildResponseTables: the flux must have a positive integral");
  const out = [];
  for (let i = 0; i < flux.inBin.length; i++) {
    const f = flux.inBin[i] / total;
    if (f > 0)
      out.push({ lo: flux.edges[i], hi: flux.edges[i + 1], frac: f, n: Math.max(minPer, Math.round(events * f)) });
  }
  return out;
}

/**
 * Flux-averaged CCQE Monte Carlo into a dense [67][Q2_CELLS][3] table (10⁻³⁸ cm² per CH nucleon).
 * Each event: E uniform in its flux bin; a bound neutron from the ground state; the μ⁻p final
 * state in the centre-of-mass frame (polar angle about the neutrino importance-sampled in Q², azimuth uniform) of (ν + off-shell neutron) and boosted to the lab;
 * Pauli blocking |p_p| > k_F; weight |M|² p* / (16π √s E E_N) with |M|² = 8M⁴G_F²cos²θ_c·bracket and
 * s − u = 2P·(k + k') − m² (so the free-neutron limit is exactly Llewellyn Smith's σ).
 */
function ccqeDense(
  config: T2kModelConfig,
  flux: FluxHistogram,
  events: number,
  minPer: number,
  rng: Rng,
): Float64Array {
  const gs = groundState(config),
    ff = config.vectorFormFactors;
  const table = new Float64Array(67 * Q2_CELLS * 3);
  const nuc: BoundNucleon = { px: 0, py: 0, pz: 0, e: 0 },
    coef: LsCoefficients = { a0: 0, a1: 0, a2: 0 };
  const m = M_MUON,
    m2 = m * m,
    mp = M_PROTON,
    kf2 = config.pauliBlocking === false ? 0 : gs.pauliMomentum * gs.pauliMomentum;
  const M4 = M_NUCLEON ** 4,
    pre = (M4 * G_FERMI * G_FERMI * COS_CABIBBO * COS_CABIBBO) / (2 * Math.PI);
  const toUnits = HBARC2_CM2 * 1e38 * (6 / NUCLEONS_PER_CH);
  for (const st of strata(flux, events, minPer)) {
    const scale = (pre * toUnits * st.frac) / st.n;
    for (let ev = 0; ev < st.n; ev++) {
      const e = st.lo + (st.hi - st.lo) * rng.uniform();
      gs.sample(rng, nuc);
      const T0 = e + nuc.e,
        Tx = nuc.px,
        Ty = nuc.py,
        Tz = e + nuc.pz;
      const s = T0 * T0 - Tx * Tx - Ty * Ty - Tz * Tz;
      if (!(s > (m + mp) * (m + mp))) continue;
      const rs = Math.sqrt(s),
        eStar = (s + m2 - mp * mp) / (2 * rs),
        pStar = Math.sqrt(eStar * eStar - m2);
      const bx = Tx / T0,
        by = Ty / T0,
        bz = Tz / T0,
        b2 = bx * bx + by * by + bz * bz,
        gamma = T0 / rs;
      const g2 = b2 > 0 ? (gamma - 1) / b2 : 0;
      // the neutrino direction in the CM frame (boost k = (e, 0, 0, e) by −β)
      const kb = bz * e,
        kc = g2 * kb - gamma * e;
      let nx = kc * bx,
        ny = kc * by,
        nz = e + kc * bz;
      const pIn = Math.hypot(nx, ny, nz);
      nx /= pIn;
      ny /= pIn;
      nz /= pIn;
      // CM polar angle from t = Q² − Q²min ∈ [0, 4 p_in p*] drawn from a dipole proposal (importance sampling)
      const [t, iw] = dipoleProposal(rng.uniform(), QE_PROPOSAL_LAMBDA2, 4 * pIn * pStar);
      const cz = Math.max(-1, 1 - t / (2 * pIn * pStar)),
        sz = Math.sqrt(Math.max(0, 1 - cz * cz));
      const phi = 2 * Math.PI * rng.uniform(),
        cp = Math.cos(phi),
        sp = Math.sin(phi);
      // orthonormal e1, e2 ⟂ n
      let ax = -ny,
        ay = nx,
        az = 0,
        an = Math.hypot(ax, ay);
      if (an < 1e-8) {
        ax = 1;
        ay = 0;
        az = 0;
        an = 1;
      }
      ax /= an;
      ay /= an;
      az /= an;
      const ex = ny * az - nz * ay,
        ey = nz * ax - nx * az,
        ez = nx * ay - ny * ax;
      const sx = pStar * (cz * nx + sz * (cp * ax + sp * ex)),
        sy = pStar * (cz * ny + sz * (cp * ay + sp * ey));
      const szz = pStar * (cz * nz + sz * (cp * az + sp * ez));
      const bp = bx * sx + by * sy + bz * szz,
        k = g2 * bp + gamma * eStar;
      const kx = sx + k * bx,
        ky = sy + k * by,
        kz = szz + k * bz,
        ke = gamma * (eStar + bp);
      const angleWeight = iw / (4 * pIn * pStar);
      const ppx = Tx - kx,
        ppy = Ty - ky,
        ppz = Tz - kz;
      if (ppx * ppx + ppy * ppy + ppz * ppz <= kf2) continue; // Pauli blocked
      const pmu = Math.sqrt(kx * kx + ky * ky + kz * kz),
        cos = kz / pmu;
      const b = t2kBinIndex67(pmu, cos);
      if (b < 0) continue;
      const q2 = Math.max(0, 2 * e * (ke - kz) - m2);
      const pk = nuc.e * e - nuc.pz * e,
        pkp = nuc.e * ke - (nuc.px * kx + nuc.py * ky + nuc.pz * kz);
      lsCoefficients(q2, 2 * (pk + pkp) - m2, ff, m, false, coef);
      const eN = Math.sqrt(M_NEUTRON * M_NEUTRON + nuc.px * nuc.px + nuc.py * nuc.py + nuc.pz * nuc.pz);
      const w = (scale * pStar * angleWeight) / (rs * e * eN),
        o = (b * Q2_CELLS + q2Cell(q2)) * 3;
      table[o] += w * coef.a0;
      table[o + 1] += w * coef.a1;
      table[o + 2] += w * coef.a2;
    }
  }
  return table;
}

/** Nominal total MEC cross section per ¹²C nucleus (cm²) at energy e. */
export function mecTotalPerCarbon(config: T2kModelConfig, e: number): number {
  if (e <= 0.2) return 0;
  return (
    config.mecFraction *
    6 *
    lsTotalCrossSection(e, NOMINAL_MA_CCQE, "bbba05") *
    (1 - Math.exp(-(e - 0.2) / config.mecRiseScale))
  );
}

/** Total CC single-pion cross section per carbon nucleon (cm²): 0.55×10⁻³⁸ · x²/(1 + x²), x = (E − 0.28)/0.8. */
export function singlePionPerNucleon(e: number): number {
  if (e <= 0.28) return 0;
  const x = (e - 0.28) / 0.8;
  return (0.55e-38 * (x * x)) / (1 + x * x);
}

/**
 * MEC (both shapes, normalised per energy bin to the same total) and background tables.
 * An energy bin where a shape has fewer than 20 accepted draws contributes no MEC for either shape.
 */
function inelasticTables(config: T2kModelConfig, flux: FluxHistogram, events: number, minPer: number, rng: Rng) {
  const mec: [Float64Array, Float64Array] = [new Float64Array(67), new Float64Array(67)];
  const background = new Float64Array(67);
  const draw: MuonDraw = { p: 0, cos: 0, w: 0 };
  const h = [new Float64Array(67), new Float64Array(67), new Float64Array(67)];
  const shapes = [config.mecShapes[0], config.mecShapes[1], "delta-absorbed"] as const;
  for (const st of strata(flux, events, minPer)) {
    const z = [0, 0, 0],
      acc = [0, 0, 0];
    for (let s = 0; s < 3; s++) {
      h[s].fill(0);
      for (let ev = 0; ev < st.n; ev++) {
        const e = st.lo + (st.hi - st.lo) * rng.uniform();
        drawInelastic(shapes[s], e, rng, draw, config.resonanceAxialMass);
        if (!(draw.w > 0)) continue;
        z[s] += draw.w;
        acc[s]++;
        const b = t2kBinIndex67(draw.p, draw.cos);
        if (b >= 0) h[s][b] += draw.w;
      }
    }
    const emid = 0.5 * (st.lo + st.hi);
    if (acc[0] >= 20 && acc[1] >= 20) {
      const tot = (mecTotalPerCarbon(config, emid) * 1e38 * st.frac) / NUCLEONS_PER_CH;
      for (let s = 0; s < 2; s++) for (let b = 0; b < 67; b++) mec[s][b] += (tot * h[s][b]) / z[s];
    }
    if (acc[2] >= 20) {
      const tot = (config.pionAbsorption * singlePionPerNucleon(emid) * 1e38 * st.frac * 12) / NUCLEONS_PER_CH;
      for (let b = 0; b < 67; b++) background[b] += (tot * h[2][b]) / z[2];
    }
  }
  return { mec, background };
}

/**
 * Builds all response tables of a model configuration from a flux (deterministic for a seed).
 * @param config the model configuration
 * @param flux the ν_μ flux (only its shape matters)
 * @param opts Monte Carlo sizes and seed
 */
export function buildResponseTables(
  config: T2kModelConfig,
  flux: FluxHistogram,
  opts: TableOptions = {},
): T2kResponseTables {
  const qeEvents = opts.qeEvents ?? 600_000,
    inel = opts.inelasticEvents ?? 200_000,
    minPer = opts.minPerEnergyBin ?? 300;
  for (const [k, v] of [
    ["qeEvents", qeEvents],
    ["inelasticEvents", inel],
    ["minPerEnergyBin", minPer],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new NsbiInputError(`buildResponseTables: ${k} must be a positive integer, got ${v}`);
  }
  const rng = new Rng(opts.seed ?? 20160215);
  const dense = ccqeDense(config, flux, qeEvents, minPer, rng);
  const cellStart = new Int32Array(68),
    q: number[] = [],
    c0: number[] = [],
    c1: number[] = [],
    c2: number[] = [];
  for (let b = 0; b < 67; b++) {
    cellStart[b] = q.length;
    for (let j = 0; j < Q2_CELLS; j++) {
      const o = (b * Q2_CELLS + j) * 3;
      if (dense[o] === 0 && dense[o + 1] === 0 && dense[o + 2] === 0) continue;
      q.push(j);
      c0.push(dense[o]);
      c1.push(dense[o + 1]);
      c2.push(dense[o + 2]);
    }
  }
  cellStart[67] = q.length;
  const { mec, background } = inelasticTables(config, flux, inel, minPer, rng);
  const q2Mid = Float64Array.from({ length: Q2_CELLS }, (_, i) => q2CellMid(i));
  return {
    config,
    q2Mid,
    rpaRatio: q2Mid.map((v) => nievesRpaRatio(v)),
    cellStart,
    cellQ: Int32Array.from(q),
    c0: Float64Array.from(c0),
    c1: Float64Array.from(c1),
    c2: Float64Array.from(c2),
    mec,
    background,
  };
}
