// The posterior explorer in a real browser (Debian's Chromium through playwright-core): the page
// shows the posterior the Node library computes for the same model, observation and seed, follows
// an edit as the library predicts, refuses bad input with a message while keeping the last good
// posterior, and draws something. Skipped, with one line saying what to install, without Chromium.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { summarizeSamples } from "../src/inference/summary.js";
import { type KernelChoice, resolveKernelPath } from "../src/kernels/select.js";
import { setWarningHandler } from "../src/logging.js";
import { loadModel } from "../src/node/model-io.js";
import { loadT2kAnalysisI } from "../src/node/t2k-files.js";
import {
  CHROMIUM,
  CHROMIUM_MISSING,
  ensureWebBuild,
  launchChromium,
  REPO,
  startPreview,
  waitForRedraw,
} from "./harness.mjs";

const MODEL_DIR = join(REPO, "web", "public", "models", "t2k");
const SEED = 1;
/** How long the page may take to show a message or a plot (the machine may be loaded). */
const POLL = { timeout: 60_000 };
const DRAWS = 10_000;
/** The page pins the kernel path so that its arithmetic is the Node library's, operation for operation. */
const KERNELS = "wasm-simd";
const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) console.log(CHROMIUM_MISSING);

/** The library's posterior mean for an observation (float32 draws, as the page's worker makes them). */
function libraryMean(x: Float32Array, kernels: KernelChoice = KERNELS): number[] {
  const posterior = loadModel(MODEL_DIR, { kernels });
  const samples = posterior.sample(DRAWS, x, { seed: SEED });
  return summarizeSamples(samples, DRAWS, posterior.parameterNames).mean;
}

/** The means shown in the page's summary table, at full precision (the cells' data-value). */
async function shownMeans(page: Page): Promise<number[]> {
  return page.$$eval('#summary td[data-stat="mean"]', (cells) =>
    cells.map((c) => Number((c as HTMLElement).dataset.value)),
  );
}

/** Float32 tolerance on a mean of float32 draws: a few units in the last place of float32, relative. */
function expectFloat32Close(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, j) => {
    expect(Math.abs(a - expected[j])).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(expected[j])));
  });
}

/** Decode an 8-bit RGB/RGBA PNG (as Chromium writes screenshots) into its pixels' luminance. */
function pngLuminance(png: Buffer): Float64Array {
  let o = 8,
    width = 0,
    height = 0,
    channels = 0;
  const idat: Buffer[] = [];
  while (o < png.length) {
    const len = png.readUInt32BE(o),
      type = png.toString("latin1", o + 4, o + 8),
      data = png.subarray(o + 8, o + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === "IDAT") idat.push(data);
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat)),
    stride = width * channels,
    px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)],
      row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? px[y * stride + i - channels] : 0,
        b = y > 0 ? px[(y - 1) * stride + i] : 0,
        c = i >= channels && y > 0 ? px[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c,
        pred = [
          0,
          a,
          b,
          (a + b) >> 1,
          Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
            ? a
            : Math.abs(p - b) <= Math.abs(p - c)
              ? b
              : c,
        ][f];
      px[y * stride + i] = (row[i] + pred) & 255;
    }
  }
  const lum = new Float64Array(width * height);
  for (let k = 0; k < lum.length; k++)
    lum[k] = 0.2126 * px[k * channels] + 0.7152 * px[k * channels + 1] + 0.0722 * px[k * channels + 2];
  return lum;
}

describe.skipIf(!chromiumAvailable)("posterior explorer in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let stopServer = () => {};
  let url = "";
  const problems: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "nsbi-web-e2e-"));
  const t2k = loadT2kAnalysisI();
  const x = Float32Array.from(t2k.bins58.xsec);
  let meanAtData: number[] = [];
  /** The observation the page shows after the edits so far (kept in step with the tests that edit it). */
  let edited = Float32Array.from(x);

  beforeAll(async () => {
    await ensureWebBuild((m) => console.log(m));
    const server = await startPreview();
    stopServer = server.stop;
    url = server.url;
    browser = (await launchChromium())!;
    page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    // the page runs under a Content-Security-Policy without 'unsafe-eval': count any violation
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(
          `CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
        );
      });
    });
    await page.goto(`${url}?kernels=${KERNELS}`);
    await waitForRedraw(page, 0);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    stopServer();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("shows the Node library's posterior mean for the T2K data and the same seed", async () => {
    expect(await page.locator("#model-info").getAttribute("data-kernel-path")).toBe(KERNELS);
    meanAtData = await shownMeans(page);
    expectFloat32Close(meanAtData, libraryMean(x));
    expect(await page.locator("#alert").isHidden()).toBe(true);
  });

  test("an edited bin moves the mean as the library predicts for the edited observation", async () => {
    const bin = 30,
      typed = String(Number((x[bin] * 3).toPrecision(6)));
    // time the edit alone: after the first posterior's predictive has been drawn
    await expect.poll(() => page.locator("#predictive").getAttribute("data-chi2-full"), POLL).not.toBeNull();
    const before = await page.evaluate(() => Number(document.getElementById("status")!.dataset.generation));
    await page.fill(`#bin-${bin}`, typed);
    const { ms } = await waitForRedraw(page, before);
    edited = x.slice();
    edited[bin] = Number(typed);
    const expected = libraryMean(edited);
    const shown = await shownMeans(page);
    expectFloat32Close(shown, expected);
    // the edit matters: some mean moved by far more than the tolerance
    expect(Math.max(...shown.map((m, j) => Math.abs(m - meanAtData[j]) / Math.abs(meanAtData[j])))).toBeGreaterThan(
      1e-3,
    );
    const summaryMs = Number(await page.locator("#latency-summary").getAttribute("data-ms"));
    console.log(
      `web app, one edit, ${DRAWS} draws (Chromium, ${KERNELS}): summary table after ${summaryMs.toFixed(0)} ms, ` +
        `corner plot after ${ms.toFixed(0)} ms (bench/web-latency.mjs times many edits)`,
    );
  });

  test("dragging a bin's point up raises the bin; the mean moves as the library predicts", async () => {
    await expect.poll(() => page.locator("#slices-plot path[data-bin]").count(), POLL).toBe(58);
    const bin = 20;
    const before = Number(await page.inputValue(`#bin-${bin}`));
    expect(Math.fround(before)).toBe(edited[bin]);
    const meansBefore = await shownMeans(page);
    // the slices plot is redrawn when the latest posterior's predictive arrives: wait for it, so that
    // the point dragged is not replaced mid-drag
    await page.waitForFunction(
      () =>
        document.getElementById("predictive")!.dataset.id !== undefined &&
        document.getElementById("predictive")!.dataset.id === document.getElementById("status")!.dataset.posteriorId,
      undefined,
      POLL,
    );
    const box = (await page.locator(`#slices-plot path[data-bin="${bin}"]`).boundingBox())!;
    const cx = box.x + box.width / 2,
      cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx, cy - 40, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById("status")!.dataset.state === "ready", undefined, POLL);
    const after = Number(await page.inputValue(`#bin-${bin}`));
    expect(after).toBeGreaterThan(before);
    edited[bin] = after;
    const shown = await shownMeans(page);
    expectFloat32Close(shown, libraryMean(edited));
    expect(shown).not.toEqual(meansBefore);

    // the keyboard alternative: ArrowUp steps the bin by a tenth of its error (√diag of the total covariance)
    const err = Math.sqrt(t2k.bins58.cov.total[bin * 58 + bin]);
    await page.focus(`#bin-${bin}`);
    await page.keyboard.press("ArrowUp");
    await page.waitForFunction(() => document.getElementById("status")!.dataset.state === "ready", undefined, POLL);
    const stepped = Number(await page.inputValue(`#bin-${bin}`));
    expect(stepped).toBe(Number((after + err / 10).toPrecision(6)));
    edited[bin] = stepped;
    expectFloat32Close(await shownMeans(page), libraryMean(edited));
    expect(await page.locator(`#bin-${bin}`).getAttribute("aria-describedby")).toBe("bin-keys-hint");
  });

  test("NaN typed into a bin: a message, the last good posterior kept", async () => {
    const before = await shownMeans(page);
    await page.fill("#bin-5", "NaN");
    await expect.poll(() => page.locator("#alert").textContent(), POLL).toMatch(/bin 6 .*'NaN' is not a finite number/);
    expect(await page.locator("#bin-5").getAttribute("aria-invalid")).toBe("true");
    await page.waitForTimeout(300);
    expect(await shownMeans(page)).toEqual(before);
  });

  test("a pasted CSV row of the wrong length is refused with a message", async () => {
    const before = await shownMeans(page);
    await page.fill("#csv-row", Array.from(x.subarray(0, 57)).join(","));
    await page.click("#apply-csv");
    await expect.poll(() => page.locator("#alert").textContent(), POLL).toMatch(/57 values, expected 58/);
    expect(await shownMeans(page)).toEqual(before);
  });

  test("bad model folders: corrupt weights, a missing file, a newer format: a message, the posterior kept", async () => {
    const before = await shownMeans(page);
    const cfg = join(tmp, "config.json"),
      weights = join(tmp, "model.safetensors");
    copyFileSync(join(MODEL_DIR, "config.json"), cfg);
    const bytes = readFileSync(join(MODEL_DIR, "model.safetensors"));
    writeFileSync(weights, bytes.subarray(0, 200)); // truncated: the header promises more than there is
    await page.setInputFiles("#model-files", [cfg, weights]);
    await expect.poll(() => page.locator("#alert").textContent(), POLL).toMatch(/model\.safetensors/);
    expect(await page.locator("#alert").textContent()).toMatch(/previous model .* kept/);
    expect(await shownMeans(page)).toEqual(before);

    await page.setInputFiles("#model-files", [cfg]);
    await expect.poll(() => page.locator("#alert").textContent(), POLL).toMatch(/model\.safetensors is missing/);

    const newer = JSON.parse(readFileSync(cfg, "utf8"));
    newer.formatVersion = 2;
    writeFileSync(cfg, JSON.stringify(newer));
    writeFileSync(weights, bytes);
    await page.setInputFiles("#model-files", [cfg, weights]);
    await expect.poll(() => page.locator("#alert").textContent(), POLL).toMatch(/format version 2 is newer/);
    expect(await shownMeans(page)).toEqual(before);

    // the page still works: reset to the data redraws the posterior of the data
    const g = await page.evaluate(() => Number(document.getElementById("status")!.dataset.generation));
    await page.click("#reset");
    await waitForRedraw(page, g);
    expectFloat32Close(await shownMeans(page), meanAtData);
    expect(await page.locator("#alert").isHidden()).toBe(true);
  });

  test("the corner plot and the posterior predictive are drawn (screenshot not blank)", async () => {
    await expect.poll(() => page.locator("#predictive").getAttribute("data-chi2-full"), POLL).not.toBeNull();
    expect(Number(await page.locator("#predictive").getAttribute("data-chi2-full"))).toBeGreaterThan(0);
    const png = await page.locator("#corner").screenshot();
    const lum = pngLuminance(png);
    let mean = 0;
    for (const v of lum) mean += v / lum.length;
    let variance = 0,
      dark = 0;
    for (const v of lum) {
      variance += (v - mean) ** 2 / lum.length;
      if (v < 128) dark++;
    }
    // a blank (white) picture has zero variance; a corner plot has axes, text, contours and histograms
    expect(Math.sqrt(variance)).toBeGreaterThan(10);
    expect(dark / lum.length).toBeGreaterThan(0.005);
    expect(await page.locator("#corner svg").count()).toBe(1);
  });

  test("the default kernel path (relaxed SIMD where the browser has it) gives the library's result too", async () => {
    const other = await browser.newPage();
    try {
      await other.goto(url);
      await waitForRedraw(other, 0);
      const path = (await other.locator("#model-info").getAttribute("data-kernel-path")) as KernelChoice;
      let nodeHasPath = true;
      try {
        resolveKernelPath(path);
      } catch {
        nodeHasPath = false;
      }
      if (!nodeHasPath) {
        console.log(`web app: Node lacks the page's kernel path ${path}; compared with ${KERNELS} only`);
        return;
      }
      expectFloat32Close(await shownMeans(other), libraryMean(x, path));
    } finally {
      await other.close();
    }
  });

  test("scaling a slice gives the library's posterior of the scaled data; a covariance throw redraws", async () => {
    const s = 6,
      lo = t2k.sliceStart58[s],
      hi = t2k.sliceStart58[s + 1];
    let g = await page.evaluate(() => Number(document.getElementById("status")!.dataset.generation));
    await page.fill(`#scale-${s}`, "1.2");
    await page.click(`#scale-${s} + button`);
    g = (await waitForRedraw(page, g)).generation;
    const scaled = Float32Array.from(t2k.bins58.xsec, (v, i) => (i >= lo && i < hi ? v * 1.2 : v));
    expectFloat32Close(await shownMeans(page), libraryMean(scaled));
    await page.click("#throw");
    await waitForRedraw(page, g);
    const values = await page.$$eval(".bins input", (inputs) =>
      inputs.map((i) => Number((i as HTMLInputElement).value)),
    );
    expect(values).toHaveLength(58);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values.some((v, i) => Math.abs(v - t2k.bins58.xsec[i]) > 1e-3 * t2k.bins58.xsec[i])).toBe(true);
  });

  for (const method of ["nle", "nre"] as const)
    test(`an ${method.toUpperCase()} model: its MCMC posterior appears, progress at 100%, the library's for the same seed`, async () => {
      const dir = join(REPO, "web", "e2e-fixtures", `${method}-two-moons`);
      const g = await page.evaluate(() => Number(document.getElementById("status")!.dataset.generation));
      await page.setInputFiles("#model-files", [join(dir, "config.json"), join(dir, "model.safetensors")]);
      await waitForRedraw(page, g, 120_000);
      expect(await page.locator("#alert").isHidden()).toBe(true);
      expect(await page.locator("#model-info").getAttribute("data-method")).toBe(method);
      const progress = page.locator("#progress");
      expect(await progress.isVisible()).toBe(true);
      expect(await progress.evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
      // the slice sampler's 20 chains × (100 warm-up + 10,000 / 20 draws) iterations, all done
      expect(Number(await progress.getAttribute("data-total"))).toBe(20 * (100 + DRAWS / 20));
      expect(await progress.getAttribute("data-done")).toBe(await progress.getAttribute("data-total"));
      expect(await page.locator("#progress-text").textContent()).toMatch(/MCMC: 100% of 12,000 chain iterations/);
      // the observation starts at the training simulations' mean of x, stored with the network
      const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
      const xo = Float32Array.from(cfg.network.standardization.xMean as number[]);
      const posterior = loadModel(dir, { method, kernels: KERNELS });
      // the toy models' chains may mix slowly: the page shows such warnings; here they are noise
      const previous = setWarningHandler(() => {});
      let run: ReturnType<typeof posterior.sampleWithInfo>;
      try {
        run = posterior.sampleWithInfo(DRAWS, xo, { seed: SEED });
      } finally {
        setWarningHandler(previous);
      }
      expectFloat32Close(await shownMeans(page), summarizeSamples(run.samples, DRAWS, posterior.parameterNames).mean);
      // the run's diagnostics and warnings are the library's too
      const status = (await page.locator("#status").textContent()) ?? "";
      expect(status).toContain(`by MCMC (slice sampler, 20 chains; largest R̂ ${run.diagnostics.maxRhat.toFixed(3)}`);
      if (method === "nle") expect(run.warnings.length).toBeGreaterThan(0); // two modes: R̂ and ESS warnings
      for (const w of run.warnings) expect(status).toContain(w);
      expect(await page.locator("#corner svg").count()).toBe(1);
    }, 180_000);

  test("no page errors and no Content-Security-Policy violations", () => {
    expect(problems).toEqual([]);
  });
});
