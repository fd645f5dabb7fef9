/**
 * Size limits on what nsbi reads and writes, in one place (the README's reliability section
 * lists them). Every size read from a file (declared member sizes, shapes, header lengths) and
 * every size flag of the CLI is checked against these before memory is allocated, so a hostile
 * or mistyped size fails with a one-line error instead of exhausting memory.
 */

/** Largest input file read whole: Node's `readFileSync` limit (2 GiB − 1). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Largest single array: a decoded `.npy`, `.npz` member or safetensors tensor, or one array a command allocates (1 GiB). */
export const MAX_ARRAY_BYTES = 2 ** 30;

/** Largest total uncompressed size of the members of one `.npz` archive (2 GiB), checked before any is inflated. */
export const MAX_ARCHIVE_BYTES = 2 ** 31;

/**
 * Largest CSV text, after `.bz2` decompression (256 MiB, about 10 million rows of 2 columns).
 * The text becomes one JavaScript string, and V8 strings stop at 512 MiB; use `.npy` for more.
 */
export const MAX_CSV_BYTES = 2 ** 28;

/** Largest `.npy` header, as NumPy's own reader (`numpy.lib.format`, `max_header_size` = 10,000). */
export const MAX_NPY_HEADER_BYTES = 10_000;

/** A byte count for messages: "512 MiB", "1.5 GiB", "14.6 TiB". */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number(n.toFixed(1))} ${units[u]}`;
}
