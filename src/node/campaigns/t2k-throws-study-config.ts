import { NsbiInputError } from "../../errors.js";

/** `{"study": "t2k-throws", …}`: covariance throws of the T2K CC0π data (58 bins, total covariance). */
export interface T2kThrowsStudyConfig {
  study: "t2k-throws";
  /** Number of throws (default 1000, as the paper). */
  throws: number;
  /** Throws per job (default 100). */
  batch: number;
  seed: number;
}

const KEYS = ["study", "throws", "batch", "seed"];

/** @throws NsbiInputError naming `where` and the field */
export function parseT2kThrowsStudyConfig(v: Record<string, unknown>, where: string): T2kThrowsStudyConfig {
  const extra = Object.keys(v).filter((k) => !KEYS.includes(k));
  if (extra.length > 0)
    throw new NsbiInputError(
      `${where}: unknown field '${extra[0]}' for study "t2k-throws" (known: ${KEYS.join(", ")})`,
    );
  const int = (k: "throws" | "batch" | "seed", fallback: number, least: number) => {
    const x = v[k] ?? fallback;
    if (!Number.isSafeInteger(x) || (x as number) < least)
      throw new NsbiInputError(`${where}: ${k}: expected an integer ≥ ${least}, got ${JSON.stringify(x)}`);
    return x as number;
  };
  return { study: "t2k-throws", throws: int("throws", 1000, 1), batch: int("batch", 100, 1), seed: int("seed", 0, 0) };
}
