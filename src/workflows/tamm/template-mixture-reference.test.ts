import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { drawTammTemplates, TAMM_TOY_TRUTH } from "./gaussian-tamm-toy.js";
import { oracleTammColumns } from "./tamm-oracle-columns.js";
import { sampleTemplateMixtureInRegion, templateMixtureLogDensity } from "./template-mixture-reference.js";

// Midpoint rule over [−2, 2]² on an m × m grid: the cell centres (row-major n × 2) and the cell area.
function grid(m: number): { x: Float64Array; area: number } {
  const h = 4 / m,
    x = new Float64Array(2 * m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      x[2 * (i * m + j)] = -2 + (i + 0.5) * h;
      x[2 * (i * m + j) + 1] = -2 + (j + 0.5) * h;
    }
  return { x, area: h * h };
}

describe("template-mixture reference of the TAMM fit", () => {
  const t = drawTammTemplates({ count: 3, rng: new Rng(11) }),
    q = { components: [...t.signal, ...t.background] };

  it("its density integrates to 1 over the region, and each component's share is 1/C", () => {
    const { x, area } = grid(400),
      lq = templateMixtureLogDensity(q, x),
      single = templateMixtureLogDensity({ components: [TAMM_TOY_TRUTH.background] }, x);
    let total = 0,
      totalSingle = 0;
    for (let r = 0; r < lq.length; r++) {
      total += Math.exp(lq[r]) * area;
      totalSingle += Math.exp(single[r]) * area;
    }
    expect(total).toBeCloseTo(1, 4);
    expect(totalSingle).toBeCloseTo(1, 4);
    expect(templateMixtureLogDensity(q, Float64Array.of(2.5, 0))[0]).toBe(Number.NEGATIVE_INFINITY);
  });

  it("samples land in a quadrant as often as the density's integral over it says (4σ)", () => {
    const n = 60000,
      s = sampleTemplateMixtureInRegion(q, n, new Rng(5));
    let inside = 0,
      count = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(s[2 * i]) <= 2 && Math.abs(s[2 * i + 1]) <= 2).toBe(true);
      if (s[2 * i] > 0 && s[2 * i + 1] > 0.5) count++;
    }
    const { x, area } = grid(400),
      lq = templateMixtureLogDensity(q, x);
    for (let r = 0; r < lq.length; r++) if (x[2 * r] > 0 && x[2 * r + 1] > 0.5) inside += Math.exp(lq[r]) * area;
    expect(Math.abs(count / n - inside)).toBeLessThan(4 * Math.sqrt((inside * (1 - inside)) / n));
    expect(sampleTemplateMixtureInRegion(q, 500, new Rng(6))).toEqual(
      sampleTemplateMixtureInRegion(q, 500, new Rng(6)),
    );
  });

  it("oracle columns against the mixture are ln 𝔱_k − ln q; a one-template q gives 0 for that template", () => {
    const x = Float64Array.of(0.3, -1.2, 1.5, 1.9, -0.7, 0.4),
      uniform = oracleTammColumns(t, x),
      mixed = oracleTammColumns(t, x, q),
      lq = templateMixtureLogDensity(q, x);
    for (let r = 0; r < 3; r++) {
      expect(mixed.signal[1][r]).toBeCloseTo(uniform.signal[1][r] - Math.log(16) - lq[r], 10);
      expect(mixed.background[2][r]).toBeCloseTo(uniform.background[2][r] - Math.log(16) - lq[r], 10);
    }
    const self = oracleTammColumns(t, x, { components: [t.signal[0]] });
    for (let r = 0; r < 3; r++) expect(self.signal[0][r]).toBeCloseTo(0, 12);
  });

  it("rejects an empty mixture and a non-positive count", () => {
    expect(() => sampleTemplateMixtureInRegion({ components: [] }, 10, new Rng(1))).toThrow(NsbiInputError);
    expect(() => sampleTemplateMixtureInRegion(q, 0, new Rng(1))).toThrow(NsbiInputError);
    expect(() => templateMixtureLogDensity({ components: [] }, Float64Array.of(0, 0))).toThrow(NsbiInputError);
  });
});
