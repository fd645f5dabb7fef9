import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { setWarningHandler } from "../logging.js";

import type { KernelChoice } from "../kernels/select.js";

/** Global options, set before each command runs. */
export const settings: { kernels: KernelChoice; threads: number } = { kernels: "auto", threads: 1 };

/** Messages go to stderr; `--quiet` silences everything but errors. */
export const out = {
  quiet: false,
  info(msg: string): void {
    if (!this.quiet) process.stderr.write(`${msg}\n`);
  },
};

setWarningHandler((m) => process.stderr.write(`nsbi: warning: ${m}\n`));

/**
 * Run a command body; a user error (bad input, unreadable file) becomes a one-line reason on
 * stderr and exit code 1, an unexpected error is shown in full with exit code 2.
 */
export function runAction<A extends unknown[]>(
  body: (...args: A) => void | Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (e) {
      if (e instanceof NsbiInputError || e instanceof NsbiFormatError) {
        process.stderr.write(`nsbi: error: ${oneLine(e.message)}\n`);
        process.exitCode = 1;
      } else if (e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string") {
        // file-system errors (EACCES, ENOSPC, ...) are the user's environment, not a bug
        process.stderr.write(`nsbi: error: ${oneLine(e.message)}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`nsbi: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
        process.exitCode = 2;
      }
    }
  };
}

/**
 * The error contract is one line: a message that quotes file contents (e.g. a JSON parser's
 * excerpt of the offending text) is folded onto one line.
 */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
