// Our C2ST on two CSV files, for scripts/c2st-compare.py (which compares it with scikit-learn's).
// usage: npx tsc -p tsconfig.json && node scripts/c2st-compare.mjs REF.csv SAMPLES.csv SEED[,SEED...]
// prints one JSON line: {"scores": [...], "seconds": [...]} (one entry per seed)
import { c2st } from "../dist/diagnostics/c2st.js";
import { readMatrixFile } from "../dist/node/files.js";

const [refPath, smpPath, seedList = "1"] = process.argv.slice(2);
if (!refPath || !smpPath) {
  process.stderr.write("usage: node scripts/c2st-compare.mjs REF.csv SAMPLES.csv SEED[,SEED...]\n");
  process.exit(2);
}
const ref = readMatrixFile(refPath, "reference"),
  smp = readMatrixFile(smpPath, "samples");
const scores = [],
  seconds = [];
for (const seed of seedList.split(",").map(Number)) {
  const t0 = performance.now();
  scores.push(c2st(ref.data, smp.data, ref.cols, { seed }).accuracy);
  seconds.push((performance.now() - t0) / 1e3);
}
process.stdout.write(`${JSON.stringify({ scores, seconds })}\n`);
