// The shipped T2K files (data/t2k/): the official text release parsed by t2k-data.ts against the
// NUISANCE ROOT file and the flux ROOT file read with jsroot, the shipped 58-bin CSV, and the
// forward model against the data (χ² magnitudes).
import { openFile } from "jsroot";
import { describe, expect, test } from "vitest";
import { loadNd280Flux, loadT2kAnalysisI, readT2kBytes, readT2kText, t2kFilePath } from "./t2k-files.js";
import { Chi2 } from "../workflows/t2k/chi2.js";
import { ND280_FLUX_2016_EDGES, ND280_FLUX_2016_NUMU_PER_50MEV } from "../workflows/t2k/nd280-flux-2016.js";
import { T2K_BINNING, t2kBinIndex67 } from "../workflows/t2k/t2k-binning.js";
import { T2kCc0pi, T2kCc0piAlt } from "../workflows/t2k/t2k-cc0pi-task.js";
import { ALT_DEFAULT, MICROBOONE_TUNE } from "../workflows/t2k/t2k-model-config.js";

const data = loadT2kAnalysisI();
const rootFile = openFile(readT2kBytes("nuisanceRoot"));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe("T2K CC0π Analysis I text release vs the NUISANCE ROOT file (jsroot)", () => {
  test("dataslice_0..8 (TH1D, cm²) are the 67 text cross sections × 10⁻³⁸, with the same p edges", async () => {
    const f = await rootFile;
    let b = 0;
    for (let s = 0; s < 9; s++) {
      const h: any = await f.readObject(`dataslice_${s}`);
      const nb = h.fXaxis.fNbins;
      for (let k = 0; k < nb; k++, b++) {
        const bin = data.bins67.bins[b];
        expect(bin.slice).toBe(s);
        expect(Math.abs(h.fXaxis.fXbins[k] - bin.pLow)).toBeLessThan(1e-6); // float32 edges
        expect(Math.abs(h.fXaxis.fXbins[k + 1] - bin.pHigh)).toBeLessThan(1e-6);
        expect(rel(h.fArray[k + 1] * 1e38, data.bins67.xsec[b])).toBeLessThan(1e-12);
      }
    }
    expect(b).toBe(67);
  });

  test("analysis1_{stat,syst,norm,tot}cov (TH2D on [0, 67], unscaled) equal the text covariances; tot = stat + syst + norm", async () => {
    const f = await rootFile;
    const pairs: [string, Float64Array][] = [
      ["analysis1_statcov", data.bins67.cov.stat],
      ["analysis1_systcov", data.bins67.cov.shape],
      ["analysis1_normcov", data.bins67.cov.fluxNorm],
      ["analysis1_totcov", data.bins67.cov.total],
    ];
    for (const [name, m] of pairs) {
      const h: any = await f.readObject(name);
      expect([h.fXaxis.fNbins, h.fXaxis.fXmin, h.fXaxis.fXmax]).toEqual([67, 0, 67]);
      let worst = 0;
      for (let i = 0; i < 67; i++)
        for (let j = 0; j < 67; j++) {
          const v = h.fArray[i + 1 + 69 * (j + 1)];
          worst = Math.max(worst, Math.abs(v - m[i * 67 + j]) / (Math.abs(m[i * 67 + j]) + 1e-30));
        }
      expect(worst, name).toBeLessThan(1e-9);
    }
  });

  test("datahist: contents = xsec × 10⁻³⁸ and errors = √(totcov_ii) × 10⁻³⁸", async () => {
    const h: any = await (await rootFile).readObject("datahist");
    for (let i = 0; i < 67; i++) {
      expect(rel(h.fArray[i + 1] * 1e38, data.bins67.xsec[i])).toBeLessThan(1e-12);
      expect(rel(Math.sqrt(h.fSumw2[i + 1]) * 1e38, Math.sqrt(data.bins67.cov.total[i * 67 + i]))).toBeLessThan(1e-6);
    }
  });

  test("datapoly (TH2Poly): 67 bins in release order with the release edges (nudged by 1e-5) and contents", async () => {
    const h: any = await (await rootFile).readObject("datapoly");
    const bins = h.fBins.arr;
    expect(bins.length).toBe(67);
    for (let i = 0; i < 67; i++) {
      const b = data.bins67.bins[i],
        pb = bins[i];
      expect(rel(pb.fContent * 1e38, data.bins67.xsec[i])).toBeLessThan(1e-12);
      for (const [x, y] of [
        [pb.fXmin, b.pLow],
        [pb.fXmax, b.pHigh],
        [pb.fYmin, b.cosLow],
        [pb.fYmax, b.cosHigh],
      ])
        expect(Math.abs(x - y)).toBeLessThan(2e-5);
    }
  });

  test("analysis1_map: the 1-based release bin of each cell of the 13 × 9 helper grid is the bin holding the cell centre", async () => {
    const h: any = await (await rootFile).readObject("analysis1_map");
    const nx = h.fXaxis.fNbins,
      ny = h.fYaxis.fNbins,
      xe = h.fXaxis.fXbins,
      ye = h.fYaxis.fXbins;
    expect([nx, ny]).toEqual([13, 9]);
    for (let j = 1; j <= ny; j++)
      for (let i = 1; i <= nx; i++) {
        const p = 0.5 * (xe[i - 1] + xe[i]),
          c = 0.5 * (ye[j - 1] + ye[j]);
        expect(h.fArray[i + (nx + 2) * j] - 1).toBe(t2kBinIndex67(p, c));
      }
  });
});

describe("58-bin selection", () => {
  test("drops exactly the overflow bins (p_max = 30 GeV/c) and matches the shipped bins_58.csv", () => {
    expect(Array.from(data.index58To67)).toEqual(
      Array.from({ length: 67 }, (_, i) => i).filter((i) => ![2, 7, 14, 21, 29, 38, 46, 57, 66].includes(i)),
    );
    expect(data.bins58.bins.every((b) => b.pHigh < 30)).toBe(true);
    const rows = readT2kText("bins58Csv")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
    expect(rows.length).toBe(58);
    rows.forEach((r, k) => {
      const b = data.bins58.bins[k];
      expect([r[0], r[1], r[2], r[3], r[4], r[5], r[6]]).toEqual([
        k,
        b.index67,
        b.slice,
        b.cosLow,
        b.cosHigh,
        b.pLow,
        b.pHigh,
      ]);
      expect(r[7]).toBe(data.bins58.xsec[k]);
      expect(rel(r[8], Math.sqrt(data.bins58.cov.total[k * 58 + k]))).toBeLessThan(1e-5);
    });
    // slice structure: 2, 4, 6, 6, 7, 8, 7, 10, 8 bins
    expect(Array.from(data.sliceStart58)).toEqual([0, 2, 6, 12, 18, 25, 33, 40, 50, 58]);
  });

  test("58-bin covariances are the sub-matrices; the 58-bin total is positive definite, the flux part 8.56% fully correlated", () => {
    for (const k of ["stat", "shape", "fluxNorm", "total"] as const) {
      for (let a = 0; a < 58; a++)
        for (let b = 0; b < 58; b++) {
          expect(data.bins58.cov[k][a * 58 + b]).toBe(
            data.bins67.cov[k][data.index58To67[a] * 67 + data.index58To67[b]],
          );
        }
    }
    expect(() => new Chi2(data.bins58.xsec, data.bins58.cov.total)).not.toThrow();
    for (let i = 0; i < 58; i++) {
      const s = Math.sqrt(data.bins58.cov.fluxNorm[i * 58 + i]) / data.bins58.xsec[i];
      expect(Math.abs(s - 0.0856)).toBeLessThan(0.0005);
      // fully correlated: ρ = 1 with bin 0
      const rho =
        data.bins58.cov.fluxNorm[i] / Math.sqrt(data.bins58.cov.fluxNorm[0] * data.bins58.cov.fluxNorm[i * 58 + i]);
      expect(Math.abs(rho - 1)).toBeLessThan(1e-3);
    }
  });

  test("the embedded binning (t2k-binning.ts) equals the release edges", () => {
    for (let i = 0; i < 67; i++) {
      const b = data.bins67.bins[i];
      expect([T2K_BINNING.pLow[i], T2K_BINNING.pHigh[i], T2K_BINNING.cosLow[i], T2K_BINNING.cosHigh[i]]).toEqual([
        b.pLow,
        b.pHigh,
        b.cosLow,
        b.cosHigh,
      ]);
    }
  });
});

describe("ND280 2016 flux", () => {
  test("the shipped CSV and the embedded table equal enu_nd280_numu of the ROOT file (10 significant figures)", async () => {
    const f = await openFile(readT2kBytes("fluxRoot"));
    const h: any = await f.readObject("enu_nd280_numu");
    const csv = loadNd280Flux("csv");
    expect(h.fXaxis.fNbins).toBe(220);
    for (let i = 0; i <= 220; i++) {
      expect(Math.abs(h.fXaxis.fXbins[i] - csv.edges[i])).toBeLessThan(1e-9);
      expect(Math.abs(ND280_FLUX_2016_EDGES[i] - csv.edges[i])).toBeLessThan(1e-12);
    }
    for (let i = 0; i < 220; i++) {
      const c = h.fArray[i + 1];
      expect(rel(csv.perGeV[i] * 0.05, c)).toBeLessThan(1e-9);
      expect(rel(ND280_FLUX_2016_NUMU_PER_50MEV[i], c)).toBeLessThan(1e-9);
    }
  });

  test("per-50-MeV normalisation: 1-GeV bins above 10 GeV count 20×; integral 1.9179e13 /cm²/10²¹ POT (PROVENANCE)", () => {
    const csv = loadNd280Flux("csv");
    const i = csv.edges.indexOf(10);
    expect(csv.edges[i + 1]).toBe(11);
    expect(rel(csv.inBin[i], 20 * csv.perGeV[i] * 0.05)).toBeLessThan(1e-12);
    const total = csv.inBin.reduce((a, b) => a + b, 0);
    expect(rel(total, 1.9179e13)).toBeLessThan(1e-4);
    // T2K's own 3-significant-figure table agrees within rounding
    const table = loadNd280Flux("table");
    for (let k = 0; k < 220; k++) if (csv.inBin[k] > 1e9) expect(rel(table.inBin[k], csv.inBin[k])).toBeLessThan(0.005);
  });

  test("t2kFilePath resolves data/t2k/ of the package", () => {
    expect(t2kFilePath("crossSection")).toMatch(
      /data\/t2k\/cc0pi-2016\/original_release\/cross-section_analysisI\.txt$/,
    );
  });
});

describe("forward models against the T2K data", () => {
  const chi = new Chi2(data.bins58.xsec, data.bins58.cov.total, "T2K 58-bin total covariance");
  const main = new T2kCc0pi({ generatedEvents: 0 }),
    alt = new T2kCc0piAlt({ generatedEvents: 0 });

  test("flux-integrated CC0π total at the MicroBooNE tune is within 20% of the measured one (Σ σ_b Δp Δcos over 67 bins)", () => {
    let measured = 0;
    for (let i = 0; i < 67; i++) measured += data.bins67.xsec[i] * T2K_BINNING.area[i];
    expect(Math.abs(main.model.totalCrossSection(MICROBOONE_TUNE) / measured - 1)).toBeLessThan(0.2);
  });

  test("χ² to the 58 bins is of plausible magnitude (paper, GENIE tune: 115.1; NuWro: 126.7)", () => {
    const tune = main.model.expected58(MICROBOONE_TUNE),
      nuwroLike = alt.model.expected58(ALT_DEFAULT);
    for (const x of [tune, nuwroLike]) {
      const full = chi.full(x),
        diag = chi.diagonal(x);
      expect(full).toBeGreaterThan(58);
      expect(full).toBeLessThan(300);
      expect(diag).toBeGreaterThan(20);
      expect(diag).toBeLessThan(300);
    }
  });
});
