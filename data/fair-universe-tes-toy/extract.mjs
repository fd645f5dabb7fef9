// Extracts the TES toy's events from the FAIR Universe HiggsML 1000-event sample (see PROVENANCE.md here):
// the htautau and ztautau rows, columns detailed_labels, DER_mass_vis, DER_pt_ratio_lep_had, values kept
// as printed in the source CSV. Writes tes-toy-events.csv beside this script and the browser-loadable
// module src/workflows/mixture/generated/tes-toy-events.ts (run `npx biome format --write` on it after).
// Usage: node data/fair-universe-tes-toy/extract.mjs [path/to/FAIR_Universe_HiggsML_data.csv]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const source = process.argv[2] ?? "/work/shared/data/fair-universe-higgsml-sample/FAIR_Universe_HiggsML_data.csv";

const lines = fs.readFileSync(source, "utf8").trim().split(/\r?\n/);
const header = lines[0].split(",");
const col = (name) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`extract: ${source} has no column ${name}`);
  return i;
};
const iClass = col("detailed_labels"),
  iMass = col("DER_mass_vis"),
  iRatio = col("DER_pt_ratio_lep_had");
const classes = { htautau: { massVis: [], ptRatio: [] }, ztautau: { massVis: [], ptRatio: [] } };
const csv = ["class,DER_mass_vis,DER_pt_ratio_lep_had"];
for (const line of lines.slice(1)) {
  const f = line.split(",");
  const c = classes[f[iClass]];
  if (!c) continue;
  const m = Number(f[iMass]),
    r = Number(f[iRatio]);
  if (!(m > 0 && r > 0)) throw new Error(`extract: non-positive DER_mass_vis or DER_pt_ratio_lep_had in: ${line}`);
  c.massVis.push(f[iMass]);
  c.ptRatio.push(f[iRatio]);
  csv.push([f[iClass], f[iMass], f[iRatio]].join(","));
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

writeAtomic(path.join(here, "tes-toy-events.csv"), `${csv.join("\n")}\n`);
const arr = (values) => `[${values.join(", ")}]`;
const module = `// GENERATED FILE, do not edit: made by data/fair-universe-tes-toy/extract.mjs from the FAIR Universe
// HiggsML 1000-event sample (see data/fair-universe-tes-toy/PROVENANCE.md). DER_mass_vis in GeV;
// DER_pt_ratio_lep_had = pT(lepton) / pT(hadronic tau). Row order as in the source file.

/** One class's events: DER_mass_vis and DER_pt_ratio_lep_had per event. */
export interface TesToyClassEvents {
  readonly massVis: readonly number[];
  readonly ptRatio: readonly number[];
}

/** The htautau (signal) and ztautau (background) events of the TES toy. */
export const TES_TOY_EVENTS: Readonly<{ htautau: TesToyClassEvents; ztautau: TesToyClassEvents }> = {
  htautau: { massVis: ${arr(classes.htautau.massVis)}, ptRatio: ${arr(classes.htautau.ptRatio)} },
  ztautau: { massVis: ${arr(classes.ztautau.massVis)}, ptRatio: ${arr(classes.ztautau.ptRatio)} },
};
`;
writeAtomic(path.join(root, "src", "workflows", "mixture", "generated", "tes-toy-events.ts"), module);
console.log(`extract: htautau ${classes.htautau.massVis.length}, ztautau ${classes.ztautau.massVis.length} events`);
