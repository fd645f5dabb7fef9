/**
 * Argument checks shared by the priors (internal; not part of the public API).
 */
import { NsbiInputError } from "../../errors.js";

/** Copy `a` into a Float64Array, requiring a non-empty array of finite numbers named `name`. */
export function finiteVector(a: unknown, name: string): Float64Array {
  if (
    a === null ||
    typeof a !== "object" ||
    typeof (a as ArrayLike<number>).length !== "number" ||
    (a as ArrayLike<number>).length < 1
  ) {
    throw new NsbiInputError(`${name} must be a non-empty array of numbers`);
  }
  const arr = a as ArrayLike<unknown>;
  const v = new Float64Array(arr.length);
  for (let j = 0; j < arr.length; j++) {
    const x = arr[j];
    if (typeof x !== "number" || !Number.isFinite(x))
      throw new NsbiInputError(`${name}[${j}] must be a finite number, got ${String(x)}`);
    v[j] = x;
  }
  return v;
}

/** Require two vectors of equal length. */
export function sameLength(a: Float64Array, b: Float64Array, names: string, source: string): void {
  if (a.length !== b.length) {
    throw new NsbiInputError(`${source}: ${names} must have the same length, got ${a.length} and ${b.length}`);
  }
}

/** Require every entry of `v` to be > 0. */
export function positiveVector(v: Float64Array, name: string): void {
  v.forEach((x, j) => {
    if (!(x > 0)) throw new NsbiInputError(`${name}[${j}] must be > 0, got ${x}`);
  });
}

/**
 * Require an explicitly passed generator: nsbi draws random numbers only from a seeded Rng, so a
 * missing one is a user error, not a TypeError deep inside the sampler.
 */
export function checkRng(rng: unknown, name: string): void {
  if (
    rng === null ||
    typeof rng !== "object" ||
    typeof (rng as { uniform?: unknown }).uniform !== "function" ||
    typeof (rng as { normal?: unknown }).normal !== "function"
  ) {
    throw new NsbiInputError(
      `${name}: expected a seeded Rng as second argument (e.g. new Rng(0)), got ${rng === null ? "null" : typeof rng}`,
    );
  }
}

/** Require n to be a non-negative integer. */
export function checkCount(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) throw new NsbiInputError(`${name} must be a non-negative integer, got ${n}`);
}

/** Require `theta` to hold at least n rows of `dim` values. */
export function checkRows(theta: ArrayLike<number>, n: number, dim: number, name: string): void {
  checkCount(n, `${name}: n`);
  if (theta.length < n * dim) {
    throw new NsbiInputError(`${name}: theta must hold n × dim = ${n} × ${dim} values, got ${theta.length}`);
  }
}

/** log √(2π). */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Whether every entry of row i of theta is finite (the support of priors on all of R^dim). */
export function rowIsFinite(theta: ArrayLike<number>, i: number, dim: number): boolean {
  for (let j = 0, o = i * dim; j < dim; j++) if (!Number.isFinite(theta[o + j])) return false;
  return true;
}
