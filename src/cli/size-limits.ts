import { NsbiInputError } from "../errors.js";
import { formatBytes, MAX_ARRAY_BYTES } from "../io/limits.js";

/**
 * Refuses a size flag whose array would pass the per-array limit (`MAX_ARRAY_BYTES`, 1 GiB),
 * before any work, with the largest value that fits.
 * @param flag how the value was given, e.g. "--num-simulations 1000000000000"
 * @param value the value
 * @param bytesPerUnit bytes the array takes per unit of `value`
 * @param what the array, e.g. "theta and x"
 */
export function checkSizeFlag(flag: string, value: number, bytesPerUnit: number, what: string): void {
  const bytes = value * bytesPerUnit;
  if (bytes <= MAX_ARRAY_BYTES) return;
  const max = Math.floor(MAX_ARRAY_BYTES / bytesPerUnit);
  throw new NsbiInputError(
    `${flag}: ${what} would take ${formatBytes(bytes)}, more than the limit of ${formatBytes(MAX_ARRAY_BYTES)} per array; at most ${max} here`,
  );
}
