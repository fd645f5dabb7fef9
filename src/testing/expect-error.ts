import { expect } from "vitest";
import { NsbiFormatError } from "../errors.js";

/** Assert that f throws an NsbiFormatError whose message contains every one of `parts`. */
export function expectFormatError(f: () => unknown, ...parts: string[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NsbiFormatError);
  for (const p of parts) expect((err as Error).message).toContain(p);
}
