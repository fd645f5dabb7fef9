import { sha256Hex } from "../io/sha256.js";

/**
 * The seed of one job of a campaign, from its parts (the campaign's seed, a purpose, an index …):
 * the first 32 bits of the SHA-256 of their JSON, joined by "|". Independent of any generator
 * stream a library call derives from the campaign's seed, so a job's draws never reuse another
 * computation's, and equal parts give equal seeds on every machine.
 * @example jobSeed(seed, "diagnose-chunk", 3)
 */
export function jobSeed(...parts: (string | number | null)[]): number {
  const hex = sha256Hex(new TextEncoder().encode(parts.map((p) => JSON.stringify(p)).join("|")));
  return Number.parseInt(hex.slice(0, 8), 16);
}
