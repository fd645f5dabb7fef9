import { InvalidArgumentError } from "commander";

/** commander argument parsers that reject bad values with a message naming what was expected. */
export function positiveInt(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < 1)
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return v;
}

export function nonNegativeInt(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v))
    throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return v;
}

/** A positive integer no larger than `max` (a documented limit), e.g. `--bins`. */
export function positiveIntAtMost(max: number): (value: string) => number {
  return (value) => {
    const v = positiveInt(value);
    if (v > max) throw new InvalidArgumentError(`expected a positive integer up to ${max}, got '${value}'`);
    return v;
  };
}

/** A positive number no larger than `max` (a documented limit), e.g. `--scale`. */
export function positiveNumberAtMost(max: number): (value: string) => number {
  return (value) => {
    const v = positiveNumber(value);
    if (v > max) throw new InvalidArgumentError(`expected a positive number up to ${max}, got '${value}'`);
    return v;
  };
}

export function positiveNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || v <= 0)
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return v;
}

export function fraction(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !(v > 0 && v < 1))
    throw new InvalidArgumentError(`expected a number strictly between 0 and 1, got '${value}'`);
  return v;
}

/** "45,32,20" → [45, 32, 20]; "" or "none" → []. */
export function intList(value: string): number[] {
  if (value.trim() === "" || value.trim() === "none") return [];
  return value.split(",").map((s) => {
    const v = Number(s);
    if (!Number.isSafeInteger(v) || v < 1)
      throw new InvalidArgumentError(`expected comma-separated positive integers (e.g. 45,32,20), got '${value}'`);
    return v;
  });
}

export function oneOf(choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got '${value}'`);
    return value;
  };
}
