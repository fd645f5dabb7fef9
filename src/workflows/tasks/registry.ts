import { NsbiInputError } from "../../errors.js";
import { GaussianLinear } from "./gaussian-linear.js";
import { GaussianLinearUniform } from "./gaussian-linear-uniform.js";
import { GaussianMixture } from "./gaussian-mixture.js";
import { LotkaVolterra } from "./lotka-volterra.js";
import { Sir } from "./sir.js";
import { Slcp } from "./slcp.js";
import type { Task } from "./task.js";
import { TwoMoons } from "./two-moons.js";
import { T2kCc0pi, T2kCc0piAlt } from "../t2k/t2k-cc0pi-task.js";

const FACTORIES: Readonly<Record<string, () => Task>> = {
  two_moons: () => new TwoMoons(),
  gaussian_linear: () => new GaussianLinear(),
  gaussian_linear_uniform: () => new GaussianLinearUniform(),
  slcp: () => new Slcp(),
  gaussian_mixture: () => new GaussianMixture(),
  sir: () => new Sir(),
  lotka_volterra: () => new LotkaVolterra(),
  // the T2K CC0π forward models (not sbibm tasks; see docs/t2k-model.md)
  "t2k-cc0pi": () => new T2kCc0pi(),
  "t2k-cc0pi-alt": () => new T2kCc0piAlt(),
};

/** Names of the built-in sbibm tasks, in sbibm's spelling. */
export const taskNames: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/**
 * Look up a built-in benchmark task by its sbibm name (a fresh instance each call).
 * @param name one of `taskNames`, e.g. "two_moons"
 * @throws NsbiInputError listing the valid names when `name` is unknown
 * @see sbibm `sbibm/__init__.py` (`get_task`); Lueckmann et al. 2021, arXiv:2101.04653
 * @example
 * ```ts
 * const task = getTask("two_moons");
 * const theta = task.prior.sample(100, rng);
 * const x = task.simulate(theta, 100, rng);
 * ```
 */
export function getTask(name: string): Task {
  const make = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!make)
    throw new NsbiInputError(`task: unknown task ${JSON.stringify(name)}; expected one of ${taskNames.join(", ")}`);
  return make();
}
