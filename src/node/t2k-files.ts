/**
 * Node loader of the T2K data shipped in `data/t2k/` (see `data/t2k/PROVENANCE.md`): the ν_μ CC0π
 * 2016 Analysis I release (PRD 93, 112012) and the ND280 2016 flux. Parsing is done by the
 * browser-safe `src/workflows/t2k/t2k-data.ts`; this module only reads the files.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NsbiInputError } from "../errors.js";
import { writeFileAtomic } from "./files.js";
import { nd280Flux2016 } from "../workflows/t2k/nd280-flux-2016.js";
import { buildResponseTables, type TableOptions } from "../workflows/t2k/response-tables.js";
import { responseTablesModuleSource, serializeResponseTables } from "../workflows/t2k/response-tables-codegen.js";
import { T2K_CC0PI_ALT_CONFIG, T2K_CC0PI_CONFIG } from "../workflows/t2k/t2k-model-config.js";
import {
  buildT2kAnalysisI,
  parseNd280FluxCsv,
  parseT2kFluxTable,
  type FluxHistogram,
  type T2kAnalysisI,
} from "../workflows/t2k/t2k-data.js";

/** `data/t2k/` of the package: src/node/ and dist/node/ are both two levels below the package root. */
const T2K_DIR = new URL("../../data/t2k/", import.meta.url);

/** Relative paths (under `data/t2k/`) of the shipped files. */
export const T2K_FILES = Object.freeze({
  crossSection: "cc0pi-2016/original_release/cross-section_analysisI.txt",
  stat: "cc0pi-2016/original_release/covariance_statisticUncertainty_analysisI.txt",
  shape: "cc0pi-2016/original_release/covariance_shapeSystematics_analysisI.txt",
  fluxNorm: "cc0pi-2016/original_release/covariance_fluxNormalizationSystematics_analysisI.txt",
  nuisanceRoot: "cc0pi-2016/nuisance/T2K_CC0PI_2DPmuCosmu_Data.root",
  bins58Csv: "cc0pi-2016/derived/bins_58.csv",
  bins67Csv: "cc0pi-2016/derived/bins_67.csv",
  fluxRoot: "nd280-flux-2016/t2kflux_2016_plus250kA.root",
  fluxCsv: "nd280-flux-2016/t2kflux_2016_plus250kA_nd280_numu.csv",
  fluxTable: "nd280-flux-2016/t2kflux_2016_nd280_plus250kA.txt",
});

/**
 * Absolute path of a shipped T2K file.
 * @param name key of {@link T2K_FILES}
 * @throws NsbiInputError if the file is missing (e.g. a package built without `data/t2k`)
 */
export function t2kFilePath(name: keyof typeof T2K_FILES): string {
  const p = fileURLToPath(new URL(T2K_FILES[name], T2K_DIR));
  if (!existsSync(p))
    throw new NsbiInputError(`T2K data file '${p}' does not exist; expected the package's data/t2k/ folder`);
  return p;
}

/** The text of a shipped T2K file. */
export function readT2kText(name: keyof typeof T2K_FILES): string {
  return readFileSync(t2kFilePath(name), "utf8");
}

/** The bytes of a shipped T2K file as an ArrayBuffer (for ROOT readers such as jsroot). */
export function readT2kBytes(name: keyof typeof T2K_FILES): ArrayBuffer {
  const b = readFileSync(t2kFilePath(name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * The T2K CC0π Analysis I data (67 and 58 bins, cross sections and stat/shape/flux-norm/total
 * covariances), parsed from the official text release shipped in `data/t2k/`.
 * @see T2K Collaboration, Phys. Rev. D 93, 112012 (2016)
 */
export function loadT2kAnalysisI(): T2kAnalysisI {
  return buildT2kAnalysisI({
    crossSection: readT2kText("crossSection"),
    stat: readT2kText("stat"),
    shape: readT2kText("shape"),
    fluxNorm: readT2kText("fluxNorm"),
  });
}

/**
 * The ND280 ν_μ flux of T2K's 2016 release (`enu_nd280_numu`, +250 kA), from the shipped CSV
 * (full precision) or from T2K's own 3-significant-figure text table.
 * @param source "csv" (default) or "table"
 * @see T2K Collaboration, Phys. Rev. D 87, 012001 (2013); Phys. Rev. D 91, 072010 (2015)
 */
export function loadNd280Flux(source: "csv" | "table" = "csv"): FluxHistogram {
  return source === "csv" ? parseNd280FluxCsv(readT2kText("fluxCsv")) : parseT2kFluxTable(readT2kText("fluxTable"));
}

/** Monte Carlo sizes of the shipped response tables (about 25 s per model on one core). */
export const SHIPPED_TABLE_OPTIONS: Readonly<TableOptions> = Object.freeze({
  qeEvents: 12_000_000,
  inelasticEvents: 4_000_000,
  minPerEnergyBin: 3000,
  seed: 20160215,
});

/**
 * Rebuilds the high-statistics response tables of `t2k-cc0pi` and `t2k-cc0pi-alt` and writes the
 * generated module (default `src/workflows/t2k/generated/t2k-response-tables.ts` of the package).
 * Run it after changing the physics code: after `npm run build`,
 * `node -e 'import("./dist/node/t2k-files.js").then((m) => m.writeT2kResponseTablesModule())'`
 * (from dist/ the default path still points at src/, two levels up).
 * @param path destination file
 * @param options Monte Carlo sizes and seed
 * @returns the path written
 */
export function writeT2kResponseTablesModule(
  path = fileURLToPath(new URL("../../src/workflows/t2k/generated/t2k-response-tables.ts", import.meta.url)),
  options: TableOptions = SHIPPED_TABLE_OPTIONS,
): string {
  const flux = nd280Flux2016();
  const tables = [T2K_CC0PI_CONFIG, T2K_CC0PI_ALT_CONFIG].map((c) =>
    serializeResponseTables(buildResponseTables({ ...c }, flux, options), options),
  );
  writeFileAtomic(path, responseTablesModuleSource(tables));
  return path;
}
