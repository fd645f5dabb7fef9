// Edit-to-redraw latency of the posterior explorer (web/, issue #15) in Debian's Chromium: load the
// shipped T2K model, then edit one bin at a time and time, in the page, from the input event to the
// summary table of 10,000 new draws, and to the next frame after their corner plot is drawn. Prints
// the median and the spread and the page's breakdown (worker: sampling, summary, corner-plot data,
// Vega update or compile, SVG; page: inserting the SVG). Builds web/dist/ first when it is stale.
// `--compare <folder>` times another build of the page (e.g. a copy of an older web/dist/) in the
// same run, before the current one, so that both see the same machine.
//
//   node bench/web-latency.mjs [--edits 20] [--kernels auto|wasm-relaxed-simd|wasm-simd|ts] [--gap-ms 1500] [--compare <dist>]
import { loadavg } from "node:os";
import { resolve } from "node:path";
import {
  CHROMIUM_MISSING,
  ensureWebBuild,
  launchChromium,
  startPreview,
  WEB_DIST,
  waitForRedraw,
} from "../web/harness.mjs";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const edits = Number(arg("edits", "20"));
const kernels = arg("kernels", "auto");
// pause between edits so that each is timed alone (the predictive worker and the slices' plot finish)
const gapMs = Number(arg("gap-ms", "1500"));
const compare = arg("compare", null);

const browser = await launchChromium();
if (!browser) {
  console.log(CHROMIUM_MISSING);
  process.exit(0);
}

const stats = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, min ${s[0].toFixed(0)} ms, 90% ${q(0.9).toFixed(0)} ms, max ${s.at(-1).toFixed(0)} ms`;
};

/** Time `edits` bin edits in the build served from `dist`; print the results under `name`. */
async function timeBuild(name, dist) {
  const server = await startPreview(dist);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
  try {
    await page.goto(`${server.url}?kernels=${kernels}`);
    let { generation } = await waitForRedraw(page, 0);
    const path = await page.locator("#model-info").getAttribute("data-kernel-path");
    const ms = [];
    const summaryMs = [];
    const breakdown = [];
    for (let k = 0; k < edits; k++) {
      await page.waitForTimeout(gapMs);
      const bin = (7 * k + 3) % 58;
      const v = await page.inputValue(`#bin-${bin}`);
      await page.fill(`#bin-${bin}`, String(Number(v) * (k % 2 ? 0.8 : 1.25)));
      const r = await waitForRedraw(page, generation);
      generation = r.generation;
      ms.push(r.ms);
      summaryMs.push(Number(await page.locator("#latency-summary").getAttribute("data-ms")));
      breakdown.push(await page.locator("#timings").textContent());
    }
    const load = loadavg()[0].toFixed(1);
    console.log(
      `${name} (${dist}): posterior explorer, T2K model, 10,000 draws, kernels ${path}, ${edits} edits ${gapMs} ms apart (load average ${load})`,
    );
    console.log(`  edit to summary table: ${stats(summaryMs)}`);
    console.log(`  edit to corner plot drawn (next frame): ${stats(ms)}`);
    console.log(`  first edit: ${ms[0].toFixed(0)} ms ${breakdown[0]}`);
    console.log(`  last edit:  ${ms.at(-1).toFixed(0)} ms ${breakdown.at(-1)}`);
  } finally {
    await page.close();
    server.stop();
  }
}

try {
  if (compare) await timeBuild("compared build", resolve(compare));
  await ensureWebBuild((m) => console.log(m));
  await timeBuild("current build", WEB_DIST);
} finally {
  await browser.close();
}
