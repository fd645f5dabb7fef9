import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { TES_TOY_EVENTS } from "./generated/tes-toy-events.js";

test("the generated TES toy module holds exactly the rows of data/fair-universe-tes-toy/tes-toy-events.csv", () => {
  const text = readFileSync(new URL("../../../data/fair-universe-tes-toy/tes-toy-events.csv", import.meta.url), "utf8");
  const lines = text.trim().split("\n");
  expect(lines[0]).toBe("class,DER_mass_vis,DER_pt_ratio_lep_had");
  const fromCsv: Record<string, { massVis: number[]; ptRatio: number[] }> = {
    htautau: { massVis: [], ptRatio: [] },
    ztautau: { massVis: [], ptRatio: [] },
  };
  for (const line of lines.slice(1)) {
    const [c, m, r] = line.split(",");
    fromCsv[c].massVis.push(Number(m));
    fromCsv[c].ptRatio.push(Number(r));
  }
  expect(fromCsv.htautau.massVis.length).toBe(336);
  expect(fromCsv.ztautau.massVis.length).toBe(634);
  for (const c of ["htautau", "ztautau"] as const) {
    expect([...TES_TOY_EVENTS[c].massVis]).toEqual(fromCsv[c].massVis);
    expect([...TES_TOY_EVENTS[c].ptRatio]).toEqual(fromCsv[c].ptRatio);
  }
});
