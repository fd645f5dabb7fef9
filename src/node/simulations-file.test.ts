// sims.npz as `nsbi simulate` writes it: arrays round-trip, and the stored metadata is checked
// field by field (a hostile or hand-edited nsbi_meta is a format error, not a string taken as names).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { NsbiFormatError } from "../errors.js";
import { writeNpzFile } from "./files.js";
import { readSimulationsFile, writeSimulationsFile } from "./simulations-file.js";

const dir = mkdtempSync(join(tmpdir(), "nsbi-sims-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulations file", () => {
  test("round trip of theta, x and metadata", () => {
    const p = join(dir, "s.npz");
    const theta = new Float32Array([1, 2, 3, 4]),
      x = new Float32Array([5, 6]);
    writeSimulationsFile(p, {
      theta,
      x,
      n: 2,
      thetaDim: 2,
      xDim: 1,
      meta: { task: "t", parameterNames: ["a", "b"], seed: 3 },
    });
    expect(readSimulationsFile(p)).toEqual({
      theta,
      x,
      n: 2,
      thetaDim: 2,
      xDim: 1,
      meta: { task: "t", parameterNames: ["a", "b"], seed: 3 },
    });
  });

  test.each([
    [{ parameterNames: "ab" }, "parameterNames", "a list of strings"],
    [{ parameterNames: [1, 2] }, "parameterNames", "a list of strings"],
    [{ task: 5 }, "task", "a string"],
    [{ prior: "uniform" }, "prior", "a prior object"],
    [[1, 2], "value", "a JSON object"],
  ])("nsbi_meta %j is a format error naming the field", (meta, field, expected) => {
    const p = join(dir, "bad.npz");
    const json = new TextEncoder().encode(JSON.stringify(meta));
    writeNpzFile(p, {
      theta: { dtype: "float32", shape: [2, 2], data: new Float32Array(4) },
      x: { dtype: "float32", shape: [2, 1], data: new Float32Array(2) },
      nsbi_meta: { dtype: "uint8", shape: [json.length], data: json },
    });
    expect(() => readSimulationsFile(p)).toThrow(NsbiFormatError);
    expect(() => readSimulationsFile(p)).toThrow(
      `'${p}': array 'nsbi_meta' has an invalid '${field}', expected ${expected}`,
    );
  });
});
