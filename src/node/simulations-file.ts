import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { toFloat32Matrix, type NdArray } from "../io/ndarray.js";
import type { PriorConfig } from "../flows/priors/prior.js";
import { checkOutputFile, readNpzFile, writeNpzFile } from "./files.js";

/** What `nsbi simulate` records beside the arrays, so `nsbi train` can pick up prior and names. */
export interface SimulationsMeta {
  task?: string;
  prior?: PriorConfig;
  parameterNames?: string[];
  seed?: number;
}

/** Simulated pairs as stored in sims.npz: float32 `theta` [N, P] and `x` [N, D]. */
export interface SimulationsFile {
  theta: Float32Array;
  x: Float32Array;
  n: number;
  thetaDim: number;
  xDim: number;
  meta: SimulationsMeta;
}

/** Name of the optional uint8 array holding SimulationsMeta as UTF-8 JSON (ignored by NumPy users). */
const META = "nsbi_meta";

export function writeSimulationsFile(path: string, s: SimulationsFile): void {
  checkOutputFile(path, "--out", [".npz"]);
  const json = new TextEncoder().encode(JSON.stringify(s.meta));
  const arrays: Record<string, NdArray> = {
    theta: { dtype: "float32", shape: [s.n, s.thetaDim], data: s.theta },
    x: { dtype: "float32", shape: [s.n, s.xDim], data: s.x },
    [META]: { dtype: "uint8", shape: [json.length], data: json },
  };
  writeNpzFile(path, arrays);
}

/**
 * Read sims.npz: `theta` [N, P] and `x` [N, D] of any float dtype (1-D arrays are one column),
 * with the same N; `nsbi_meta` when present.
 */
export function readSimulationsFile(path: string): SimulationsFile {
  const arrays = readNpzFile(path);
  const get = (name: string) => {
    const a = arrays.get(name);
    if (!a)
      throw new NsbiInputError(
        `'${path}': no array '${name}' (found ${[...arrays.keys()].join(", ") || "none"}); expected float arrays theta [N, P] and x [N, D]`,
      );
    return toFloat32Matrix(a.shape.length === 1 ? { ...a, shape: [a.shape[0], 1] } : a, path, name);
  };
  const theta = get("theta"),
    x = get("x");
  if (theta.rows !== x.rows)
    throw new NsbiInputError(`'${path}': theta has ${theta.rows} rows but x has ${x.rows}; expected one x per theta`);
  if (theta.rows === 0) throw new NsbiInputError(`'${path}': no simulations (0 rows)`);
  let meta: SimulationsMeta = {};
  const m = arrays.get(META);
  if (m) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(m.data as Uint8Array));
    } catch {
      throw new NsbiFormatError(`'${path}': array '${META}' is not valid JSON`);
    }
    meta = checkMeta(parsed, path);
  }
  return { theta: theta.data, x: x.data, n: theta.rows, thetaDim: theta.cols, xDim: x.cols, meta };
}

/** The stored metadata, with each field of the expected type (the prior itself is checked where it is built). */
function checkMeta(v: unknown, path: string): SimulationsMeta {
  const bad = (field: string, expected: string): never => {
    throw new NsbiFormatError(`'${path}': array '${META}' has an invalid '${field}', expected ${expected}`);
  };
  if (v === null || typeof v !== "object" || Array.isArray(v)) bad("value", "a JSON object");
  const o = v as Record<string, unknown>;
  if (o.task !== undefined && typeof o.task !== "string") bad("task", "a string");
  if (o.seed !== undefined && typeof o.seed !== "number") bad("seed", "a number");
  if (o.prior !== undefined && (o.prior === null || typeof o.prior !== "object" || Array.isArray(o.prior)))
    bad("prior", "a prior object");
  if (
    o.parameterNames !== undefined &&
    !(Array.isArray(o.parameterNames) && o.parameterNames.every((n) => typeof n === "string"))
  ) {
    bad("parameterNames", "a list of strings");
  }
  return o as SimulationsMeta;
}
