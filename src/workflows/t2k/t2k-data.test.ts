import { expect, test } from "vitest";
import { NsbiFormatError } from "../../errors.js";
import { fluxFromPer50MeV, parseT2kCovarianceText, parseT2kCrossSectionText, subMatrix } from "./t2k-data.js";
import { T2K_BINNING, t2kBinIndex67 } from "./t2k-binning.js";

const header =
  "Units: momentum (GeV), cross-section (10^-38 cm2/(nucleon x GeV))\n\nbin number | cosTheta min - cosTheta max | momentum min - momentum max | measured xsec \n";

test("cross-section text: a malformed release is a format error naming the line", () => {
  expect(() => parseT2kCrossSectionText(`${header}0 | -1 - 0 | 0 - 0.3 | 0.25\n`, "x.txt")).toThrow(
    /x.txt: expected 67 data rows, got 1/,
  );
  const rows = Array.from({ length: 67 }, (_, i) => {
    const lo = T2K_BINNING.pLow[i],
      hi = T2K_BINNING.pHigh[i];
    return `${i} | ${T2K_BINNING.cosLow[i]} - ${T2K_BINNING.cosHigh[i]} | ${lo} - ${hi} | ${i === 5 ? "abc" : 0.1}`;
  });
  expect(() => parseT2kCrossSectionText(header + rows.join("\n"), "x.txt")).toThrow(NsbiFormatError);
  expect(() => parseT2kCrossSectionText(header + rows.join("\n"), "x.txt")).toThrow(
    /x.txt: line 9: cross section 'abc' is not a finite number/,
  );
  rows[5] = "5 | 0 - 0.6 | 0.4 - 0.5 | 0.1";
  const ok = parseT2kCrossSectionText(header + rows.join("\n"));
  expect(ok.bins.filter((b) => b.overflow).map((b) => b.index67)).toEqual([2, 7, 14, 21, 29, 38, 46, 57, 66]);
  expect(ok.bins[66].index58).toBe(-1);
  expect(ok.bins[65].index58).toBe(57);
});

test("covariance text: all n × n pairs, symmetric; missing or repeated pairs are named", () => {
  const t = "Units\n\nrow - column | v\n0 - 0 | 1\n0 - 1 | 0.5\n1 - 0 | 0.5\n1 - 1 | 2\n";
  expect(Array.from(parseT2kCovarianceText(t, 2))).toEqual([1, 0.5, 0.5, 2]);
  expect(() => parseT2kCovarianceText(t.replace("1 - 0 | 0.5\n", ""), 2, "c.txt")).toThrow(
    /c.txt: bin pair 1 - 0 missing/,
  );
  expect(() => parseT2kCovarianceText(`${t}1 - 1 | 2\n`, 2, "c.txt")).toThrow(/bin pair 1 - 1 repeated/);
  expect(() => parseT2kCovarianceText(t.replace("1 - 0 | 0.5", "1 - 0 | 0.6"), 2, "c.txt")).toThrow(
    /not symmetric at 1 - 0/,
  );
  expect(Array.from(subMatrix(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 3, [0, 2]))).toEqual([1, 3, 7, 9]);
});

test("flux normalisation: content per 50 MeV → per GeV (×20) and per bin (× width/0.05)", () => {
  const f = fluxFromPer50MeV([0, 0.05, 0.1, 1.1], [2, 4, 6]);
  expect(Array.from(f.perGeV)).toEqual([40, 80, 120]);
  expect(Array.from(f.inBin)).toEqual([2, 4, 120]);
  expect(() => fluxFromPer50MeV([0, 1], [1, 2])).toThrow(/edges must have per50MeV.length \+ 1 = 3 values/);
});

test("binning: 67 bins, 58 without overflow; areas Δp·Δcos; bin lookup at edges", () => {
  expect(T2K_BINNING.area.length).toBe(67);
  expect(T2K_BINNING.index58To67.length).toBe(58);
  expect(T2K_BINNING.area[0]).toBeCloseTo(0.3 * 1, 12);
  expect(T2K_BINNING.area[66]).toBeCloseTo(25 * 0.02, 12);
  // Σ area over the full phase space [0, 30] × [−1, 1] = 60
  expect(T2K_BINNING.area.reduce((a, b) => a + b, 0)).toBeCloseTo(60, 10);
  expect(t2kBinIndex67(0.3, -1)).toBe(1);
  expect(t2kBinIndex67(0.29999, -0.5)).toBe(0);
  expect(t2kBinIndex67(4.9, 1)).toBe(65);
  expect(t2kBinIndex67(30, 0.5)).toBe(-1);
});
