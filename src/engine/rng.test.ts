import { expect, test } from "vitest";
import { Rng } from "./rng.js";

test("fillNormal draws exactly what repeated normal() calls draw, across odd counts and the cached spare", () => {
  const a = new Rng(7),
    b = new Rng(7);
  for (const count of [1, 2, 3, 1000, 5, 4096, 1]) {
    const viaFill = new Float64Array(count + 2);
    a.fillNormal(viaFill, 1, count);
    const viaCalls = Float64Array.from({ length: count }, () => b.normal());
    expect(Array.from(viaFill.subarray(1, count + 1))).toEqual(Array.from(viaCalls));
    expect(viaFill[0]).toBe(0);
    expect(viaFill[count + 1]).toBe(0);
  }
  // the generators stay in step afterwards (integers and normals alike)
  expect(a.nextU32()).toBe(b.nextU32());
  expect(a.normal()).toBe(b.normal());
});
