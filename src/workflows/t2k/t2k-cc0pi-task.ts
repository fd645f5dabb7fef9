/**
 * The T2K CC0π forward models as nsbi Tasks: `t2k-cc0pi` (GENIE-like) and `t2k-cc0pi-alt`
 * (NuWro's role). θ = (MaCCQE [GeV], NormCCMEC, XSecShape_CCMEC, RPA_CCQE) in physical units with
 * the prior of Tame-Narvaez et al. (arXiv:2603.09778), U([0.528, 1.39] × [0, 3] × [0, 1] × [0, 1.5]); x = the 58-bin flux-averaged
 * d²σ/dp_μ dcos θ_μ per nucleon of CH in 10⁻³⁸ cm²/(GeV/c)/nucleon, ordered as the T2K release
 * (cos θ slice, then p_μ) with the 9 overflow bins removed.
 *
 * By default each simulation is fluctuated as if it were a histogram of N = 10,000 generated
 * CC0π events (Poisson counts; docs/t2k-workflow.md measures 10⁴ against 10⁵); set `generatedEvents: 0` for the noiseless expectation. The
 * response tables are the shipped high-statistics ones (or, with `tables` options, built on first
 * use, about a second per 10⁶ events) and are shared by every task of the same configuration.
 *
 * @see K. Tame-Narvaez et al., arXiv:2603.09778, revisiting the MicroBooNE tune (code karlaTame/SBI_parameter_tuning), Sec. II
 * @see T2K Collaboration, Phys. Rev. D 93, 112012 (2016); docs/t2k-model.md
 */
import { NsbiInputError } from "../../errors.js";
import type { Rng } from "../../engine/rng.js";
import { BoxUniform } from "../../flows/priors/box-uniform.js";
import type { Prior } from "../../flows/priors/prior.js";
import { checkSimulateArgs, columnNames, type Task } from "../tasks/task.js";
import { T2K_PARAMETER_NAMES } from "./genie-dials.js";
import { nd280Flux2016 } from "./nd280-flux-2016.js";
import { T2K_GENERATED_TABLES } from "./generated/t2k-response-tables.js";
import { buildResponseTables, type TableOptions } from "./response-tables.js";
import { deserializeResponseTables } from "./response-tables-codegen.js";
import { T2kCc0piModel } from "./t2k-cc0pi-model.js";
import {
  T2K_CC0PI_ALT_CONFIG,
  T2K_CC0PI_CONFIG,
  T2K_PRIOR_HIGH,
  T2K_PRIOR_LOW,
  T2K_THETA_DIM,
  type T2kModelConfig,
} from "./t2k-model-config.js";
import { T2K_BINNING } from "./t2k-binning.js";
import { T2K_BINS } from "./t2k-data.js";

/** Options of the T2K tasks. */
export interface T2kTaskOptions {
  /** Generated CC0π events per configuration for the Poisson fluctuation; 0 = no fluctuation. Default 10,000. */
  generatedEvents?: number;
  /**
   * Monte Carlo sizes and seed of the response tables. Omitted: the high-statistics tables shipped
   * in `generated/t2k-response-tables.ts` (no startup cost); given: tables built at first use.
   */
  tables?: TableOptions;
}

/** Default N of the finite-statistics option. */
export const DEFAULT_GENERATED_EVENTS = 10_000;

/** Labels "p<lo>-<hi>_cos<lo>-<hi>" of the 58 bins (p in GeV/c). */
function binLabels(): string[] {
  const b = T2K_BINNING;
  return Array.from(b.index58To67, (i) => `p${b.pLow[i]}-${b.pHigh[i]}_cos${b.cosLow[i]}-${b.cosHigh[i]}`);
}

const MODEL_CACHE = new Map<string, T2kCc0piModel>();

/** A T2K CC0π forward model as a Task. */
export class T2kCc0piTask implements Task {
  readonly name: string;
  readonly thetaDim = T2K_THETA_DIM;
  readonly xDim = T2K_BINS;
  readonly prior: Prior;
  readonly parameterNames: string[] = [...T2K_PARAMETER_NAMES];
  /** sbibm-style column names data_1 … data_58 (the Task convention). */
  readonly observationNames = columnNames("data", T2K_BINS);
  /** What each of the 58 outputs is: "p<lo>-<hi>_cos<lo>-<hi>". */
  readonly binLabels = binLabels();
  /** N of the finite-statistics fluctuation (0 = expectation). */
  readonly generatedEvents: number;
  private readonly tableOptions: TableOptions;
  private readonly useShippedTables: boolean;
  private modelInstance: T2kCc0piModel | undefined;

  /**
   * @param config model configuration (`T2K_CC0PI_CONFIG` or `T2K_CC0PI_ALT_CONFIG`)
   * @param opts finite statistics and table options
   */
  constructor(
    readonly config: Readonly<T2kModelConfig>,
    opts: T2kTaskOptions = {},
  ) {
    this.name = config.name;
    this.prior = new BoxUniform(T2K_PRIOR_LOW, T2K_PRIOR_HIGH, `${config.name} prior`);
    const n = opts.generatedEvents ?? DEFAULT_GENERATED_EVENTS;
    if (!(n >= 0) || !Number.isFinite(n))
      throw new NsbiInputError(`${config.name}: generatedEvents must be a finite number ≥ 0, got ${n}`);
    this.generatedEvents = n;
    this.tableOptions = { ...opts.tables };
    this.useShippedTables = opts.tables === undefined;
  }

  /** The underlying model (tables built on first use, cached per configuration and table options). */
  get model(): T2kCc0piModel {
    if (!this.modelInstance) {
      const key = JSON.stringify([this.config, this.useShippedTables ? "shipped" : this.tableOptions]);
      let m = MODEL_CACHE.get(key);
      if (!m) {
        const shipped = Object.hasOwn(T2K_GENERATED_TABLES, this.config.name)
          ? T2K_GENERATED_TABLES[this.config.name]
          : undefined;
        const useShipped =
          this.useShippedTables &&
          shipped !== undefined &&
          JSON.stringify(shipped.config) === JSON.stringify(this.config);
        m = new T2kCc0piModel(
          useShipped
            ? deserializeResponseTables(shipped)
            : buildResponseTables({ ...this.config }, nd280Flux2016(), this.tableOptions),
        );
        MODEL_CACHE.set(key, m);
      }
      this.modelInstance = m;
    }
    return this.modelInstance;
  }

  /**
   * @param theta [n, 4] (MaCCQE GeV, NormCCMEC, XSecShape_CCMEC, RPA_CCQE)
   * @param n rows
   * @param rng seeded generator for the finite-statistics fluctuation
   * @returns x [n, 58] in 10⁻³⁸ cm²/(GeV/c)/nucleon
   */
  simulate(theta: Float32Array, n: number, rng: Rng): Float32Array {
    checkSimulateArgs(this.name, theta, n, T2K_THETA_DIM);
    return this.model.simulate58(theta, n, this.generatedEvents, rng);
  }
}

/** `t2k-cc0pi`: the GENIE-like model. */
export class T2kCc0pi extends T2kCc0piTask {
  constructor(opts: T2kTaskOptions = {}) {
    super(T2K_CC0PI_CONFIG, opts);
  }
}

/** `t2k-cc0pi-alt`: the alternative model (NuWro's role in Tame-Narvaez et al.). */
export class T2kCc0piAlt extends T2kCc0piTask {
  constructor(opts: T2kTaskOptions = {}) {
    super(T2K_CC0PI_ALT_CONFIG, opts);
  }
}
