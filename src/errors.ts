/**
 * Typed errors. Messages name the file or argument at fault and say what was expected, so that
 * the CLI can print them as a one-line reason.
 */

/** Bad user input: an argument, option, array shape or value that does not fit. */
export class NsbiInputError extends Error {
  override readonly name = "NsbiInputError";
}

/** A file that cannot be read as the format it claims to be (corrupt, truncated, wrong layout). */
export class NsbiFormatError extends Error {
  override readonly name = "NsbiFormatError";
}

/** An internal invariant broke; this is a bug in nsbi, not in the input. */
export class NsbiInternalError extends Error {
  override readonly name = "NsbiInternalError";
}
