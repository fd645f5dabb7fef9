import { NsbiInputError } from "../errors.js";
import type { Prior } from "../flows/priors/prior.js";
import { cleanSimulations, type Simulations } from "./training-data.js";

/** How a method's options declare the parameters (shared by NPE, NLE, NRE). */
export interface ParameterOptions {
  /** The prior the simulations were drawn from. */
  prior?: Prior;
  /** Parameter dimension when no prior is given. */
  thetaDim?: number;
  /** Default parameter_1..P (sbibm style). */
  parameterNames?: string[];
}

/** The parameter dimension the options declare (a prior, thetaDim, or both agreeing); `method` names the caller. */
export function parameterDimension(method: string, o: ParameterOptions): number {
  const d = o.prior?.dim ?? o.thetaDim;
  if (d === undefined) throw new NsbiInputError(`${method}: give a prior or thetaDim`);
  if (o.prior && o.thetaDim !== undefined && o.thetaDim !== o.prior.dim)
    throw new NsbiInputError(`${method}: thetaDim ${o.thetaDim} differs from the prior's dimension ${o.prior.dim}`);
  if (o.parameterNames && o.parameterNames.length !== d)
    throw new NsbiInputError(`${method}: ${o.parameterNames.length} parameter names for ${d} parameters`);
  return d;
}

/** The options' parameter names, or parameter_1..P. */
export function parameterNames(o: ParameterOptions, dim: number): string[] {
  return o.parameterNames ?? Array.from({ length: dim }, (_, i) => `parameter_${i + 1}`);
}

/**
 * Simulated pairs appended in parts: shapes checked against the first part, rows with a NaN or
 * infinite value dropped with a warning and counted.
 */
export class SimulationBuffer {
  private readonly parts: Simulations[] = [];
  /** Rows dropped as non-finite so far. */
  dropped = 0;

  constructor(readonly thetaDim: number) {}

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  /** Data dimension (after the first part). */
  get xDim(): number | undefined {
    return this.parts[0]?.xDim;
  }

  get rows(): number {
    return this.parts.reduce((s, p) => s + p.n, 0);
  }

  /** Add theta [n, thetaDim] and x [n, xDim] (row-major); `source` names them in messages. */
  append(theta: Float32Array, x: Float32Array, source: string): void {
    const before = theta.length / this.thetaDim;
    const s = cleanSimulations(theta, x, this.thetaDim, source, this.xDim);
    this.dropped += before - s.n;
    this.parts.push(s);
  }

  /** All parts as one set of columns (the first part itself when there is one). */
  all(): Simulations {
    const parts = this.parts;
    if (parts.length === 0) throw new NsbiInputError("no simulations; call appendSimulations first");
    if (parts.length === 1) return parts[0];
    const n = this.rows,
      P = this.thetaDim,
      D = parts[0].xDim;
    const theta = new Float32Array(n * P),
      x = new Float32Array(n * D);
    let r = 0;
    for (const p of parts) {
      theta.set(p.theta, r * P);
      x.set(p.x, r * D);
      r += p.n;
    }
    return { theta, x, n, thetaDim: P, xDim: D };
  }
}
