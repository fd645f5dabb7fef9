import { describe, expect, it } from "vitest";
import { Rng } from "../../engine/rng.js";
import { basisValues } from "./basis-values.js";
import { symmetrisedMlcLoss } from "./mlc-loss.js";

function randomData(rng: Rng, rows: number, networks: number, constant: boolean) {
  const cols = (n: number) =>
    Array.from({ length: networks }, () => Float64Array.from({ length: n }, () => rng.normal()));
  return {
    numerator: basisValues(cols(rows), { constant }),
    denominator: basisValues(cols(rows + 3), { constant }),
  };
}

describe("symmetrisedMlcLoss", () => {
  it("matches the spec's formula on a hand-written case", () => {
    // one basis function, w = 0.7; numerator events f = 1, −2; denominator event f = 0.5
    const data = { numerator: basisValues([[1, -2]]), denominator: basisValues([[0.5]]) };
    const w = 0.7;
    const term = (s: number, n: boolean) => (n ? -(s - (Math.exp(-s) - 1)) : -(-s - (Math.exp(s) - 1)));
    const expected = term(w, true) + term(-2 * w, true) + term(0.5 * w, false);
    expect(symmetrisedMlcLoss(data, [w]).value).toBeCloseTo(expected, 12);
  });

  it.each([false, true])("gradient and Hessian equal central finite differences (constant basis: %s)", (constant) => {
    const rng = new Rng(11);
    const data = randomData(rng, 40, 3, constant);
    const k = data.numerator.size;
    const w = Float64Array.from({ length: k }, () => 0.3 * rng.normal());
    const at = symmetrisedMlcLoss(data, w);
    const h = 1e-5;
    for (let i = 0; i < k; i++) {
      const up = Float64Array.from(w),
        down = Float64Array.from(w);
      up[i] += h;
      down[i] -= h;
      const lu = symmetrisedMlcLoss(data, up),
        ld = symmetrisedMlcLoss(data, down);
      const fdGrad = (lu.value - ld.value) / (2 * h);
      expect(at.gradient[i]).toBeCloseTo(fdGrad, 5);
      for (let j = 0; j < k; j++) {
        const fdHess = (lu.gradient[j] - ld.gradient[j]) / (2 * h);
        expect(at.hessian[i * k + j]).toBeCloseTo(fdHess, 5);
      }
    }
  });
});
