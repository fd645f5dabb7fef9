// The (μ, z) NLL surface: exact on the table's grid, and its quartic refinement along z against the
// NLL evaluated directly at the refined z values.
import { describe, expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { buildComponentTable } from "./component-table.js";
import { mixtureNll } from "./mixture-nll.js";
import { nllSurface } from "./nll-surface.js";
import { weighTable } from "./weighted-table.js";
import { gaussianRing } from "../../testing/gaussian-ring.js";

describe("nllSurface", () => {
  const rng = new Rng(61),
    n = 1000,
    events = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const sign = rng.uniform() < 0.2 ? -1 : 1;
    events[2 * i] = sign * 2 * Math.cos(0.8) + rng.normal();
    events[2 * i + 1] = sign * 2 * Math.sin(0.8) + rng.normal();
  }
  const zGrid = Array.from({ length: 41 }, (_, j) => (j * 0.5 * Math.PI) / 40);
  const wt = weighTable(
    buildComponentTable({ components: gaussianRing(2, { gradient: false }), events, nEvents: n, zGrid }),
  );
  const mu = [0.15, 0.2, 0.27];

  test("on the table's grid it is the exact NLL; a window selects grid values", () => {
    const s = nllSurface(wt, { mu, zFrom: 15, zTo: 26 });
    expect(s.z.length).toBe(11);
    for (let a = 0; a < 3; a++)
      for (let j = 0; j < 11; j++) expect(s.nll[a * 11 + j]).toBe(mixtureNll(wt, mu[a], 15 + j));
  });

  test("refined along z it matches the NLL evaluated at the refined z to 3e-4", () => {
    const s = nllSurface(wt, { mu, zFrom: 16, zTo: 25, zSubdivisions: 4 });
    const fine = weighTable(
      buildComponentTable({ components: gaussianRing(2, { gradient: false }), events, nEvents: n, zGrid: s.z }),
    );
    let worst = 0;
    for (let a = 0; a < 3; a++)
      for (let t = 0; t < s.z.length; t++) {
        const direct = mixtureNll(fine, mu[a], t);
        worst = Math.max(worst, Math.abs(s.nll[a * s.z.length + t] - direct));
      }
    expect(worst).toBeLessThan(3e-4); // measured 7e-5 over ΔNLL up to ≈ 50
  });

  test("rejects a window of fewer than 5 values and negative μ", () => {
    expect(() => nllSurface(wt, { mu, zFrom: 3, zTo: 7 })).toThrow(/at least 5/);
    expect(() => nllSurface(wt, { mu: [-0.1] })).toThrow(/≥ 0/);
  });
});
