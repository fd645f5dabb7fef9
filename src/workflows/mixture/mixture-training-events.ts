import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import type { MixtureSimulator } from "./mixture-simulator.js";

/** Events of one kind with the nuisance each was simulated at (or presented with). */
export interface TrainingEvents {
  /** [n] */
  z: Float32Array;
  /** [n, xDim] row-major */
  x: Float32Array;
  n: number;
}

/** Draw n nuisance values uniformly from the simulator's range (the training prior p(z) of the paper). */
export function drawUniformZ(sim: MixtureSimulator, n: number, rng: Rng): Float64Array {
  const [lo, hi] = sim.zRange,
    zs = new Float64Array(n);
  for (let i = 0; i < n; i++) zs[i] = lo + (hi - lo) * rng.uniform();
  return zs;
}

/** n events of one component, each at its own z ~ U[zRange]. */
export function simulateComponent(
  sim: MixtureSimulator,
  component: "signal" | "background",
  n: number,
  rng: Rng,
): TrainingEvents {
  const zs = drawUniformZ(sim, n, rng);
  const x = component === "signal" ? sim.sampleSignal(zs, rng) : sim.sampleBackground(zs, rng);
  return { z: Float32Array.from(zs), x: checkedEvents(sim, x, n, component), n };
}

/**
 * The reference set of likelihood-ratio estimation: n events generated at z0, half signal and half
 * background (so distributed as p(x | μ0 = 1, z0) under eq. 2), each presented with a z drawn from
 * U[zRange] (Sluijter et al. 2025, eq. 5: the classifier must not tell the classes apart by z).
 */
export function simulateReference(sim: MixtureSimulator, n: number, rng: Rng): TrainingEvents {
  const nSig = Math.floor(n / 2),
    nBack = n - nSig,
    D = sim.xDim;
  const sig = sim.sampleSignal(new Float64Array(nSig).fill(sim.z0), rng);
  const back = sim.sampleBackground(new Float64Array(nBack).fill(sim.z0), rng);
  const x = new Float32Array(n * D);
  x.set(checkedEvents(sim, sig, nSig, "signal"), 0);
  x.set(checkedEvents(sim, back, nBack, "background"), nSig * D);
  return { z: Float32Array.from(drawUniformZ(sim, n, rng)), x, n };
}

/** The simulator's events as float32, refusing a wrong shape or a non-finite value. */
function checkedEvents(sim: MixtureSimulator, x: Float64Array, n: number, what: string): Float32Array {
  if (x.length !== n * sim.xDim)
    throw new NsbiInputError(
      `simulator '${sim.name}': ${what} sample has ${x.length} values, expected ${n} x ${sim.xDim}`,
    );
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NsbiInputError(`simulator '${sim.name}': ${what} event value ${bad} is ${x[bad]}`);
  return Float32Array.from(x);
}

/** A positive integer count from user options, or a clear error naming the option. */
export function positiveCount(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 2) throw new NsbiInputError(`${name} must be an integer >= 2, got ${v}`);
  return v;
}

/** A copy of an options object without its undefined entries, so that spreading it over defaults keeps them. */
export function definedEntries<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
