// Interleaved A/B timing of 100,000 posterior draws with the seed-000 network (initial weights)
// across builds, for changes to the sampling path on a noisy shared machine: each repetition runs
// every build once in turn, then medians are compared; checksums show whether the draws changed.
// usage: node bench/sample-ab.mjs KERNEL_PATH REPS DIST_DIR [DIST_DIR ...]
//   e.g. cp -r dist /tmp/old/dist (before the change), rebuild, then
//        node bench/sample-ab.mjs wasm-relaxed-simd 11 /tmp/old/dist dist
// A copied dist needs node_modules next to it (ln -s $PWD/node_modules /tmp/old/node_modules).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureData, readF32, seedNetworkConfig } from "./seed000-data.mjs";

const [kernelPath, repsArg, ...dists] = process.argv.slice(2);
if (!kernelPath || !dists.length) { console.error("usage: node bench/sample-ab.mjs KERNEL_PATH REPS DIST_DIR [DIST_DIR ...]"); process.exit(2); }
const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "data");
ensureData(dataDir);
const meta = JSON.parse(fs.readFileSync(path.join(dataDir, "meta.json"), "utf8"));
const blob = readF32(dataDir, "init.f32"), xo = readF32(dataDir, "xo.f32");
const tensors = new Map(meta.tensors.filter((t) => !t.name.endsWith("_mask"))
  .map((t) => [t.name, { shape: t.shape, data: blob.subarray(t.offset, t.offset + t.size) }]));
const variants = [];
for (const d of dists) {
  const m = await import(path.resolve(d, "node.js"));
  const net = new m.NpeNetwork(seedNetworkConfig(), m.createKernels(kernelPath));
  net.initialize(new m.Rng(0));
  net.store.loadNamed(tensors, "init.f32");
  variants.push({ d, m, net, ms: [], out: new Float32Array(100000 * meta.thetaDim) });
}
for (let r = 0; r < Number(repsArg); r++) {
  for (const v of variants) {
    const t0 = performance.now();
    v.net.sample(100000, xo, new v.m.Rng(1), v.out);
    v.ms.push(performance.now() - t0);
  }
}
for (const v of variants) {
  const s = [...v.ms].sort((a, b) => a - b);
  let sum = 0;
  for (const x of v.out) sum += x;
  console.log(`${v.d}: median ${s[s.length >> 1].toFixed(1)} ms, min ${s[0].toFixed(1)} ms, checksum ${sum.toFixed(4)}`);
}
