// Shared by the web app's browser test (web/e2e.test.ts) and its latency benchmark
// (bench/web-latency.mjs): build web/dist/ when it is missing or older than its sources, serve it
// with `vite preview` on a free loopback port, and launch Debian's Chromium through playwright-core
// (no browser download: /usr/bin/chromium from apt).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB_DIST = join(REPO, "web", "dist");
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_MISSING =
  "web app browser tests skipped: /usr/bin/chromium not found; install it with: apt-get install -y --no-install-recommends chromium";
const VITE = join(REPO, "node_modules", "vite", "bin", "vite.js");
const CONFIG = join(REPO, "web", "vite.config.ts");

/** Newest modification time (ms) of the files under `p` that pass `keep`. */
function newest(p, keep = () => true) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return keep(p) ? s.mtimeMs : 0;
  let t = 0;
  for (const e of readdirSync(p)) {
    if (e === "node_modules" || e === "dist") continue;
    t = Math.max(t, newest(join(p, e), keep));
  }
  return t;
}

/** Newest source of the web build: the app, its public files, the library sources and the T2K data. */
function newestSource() {
  const notTest = (f) => !f.endsWith(".test.ts");
  return Math.max(
    newest(join(REPO, "web", "index.html")),
    newest(CONFIG),
    newest(join(REPO, "web", "src")),
    newest(join(REPO, "web", "public")),
    newest(join(REPO, "src"), notTest),
    newest(join(REPO, "data", "t2k", "cc0pi-2016", "original_release")),
  );
}

/**
 * Build web/dist/ with Vite unless it is newer than every source. Asynchronous on purpose: a
 * synchronous build blocks a vitest worker's event loop for as long as it runs, and past 60 s vitest
 * reports its own RPC calls as timed out ("Timeout calling onTaskUpdate") and fails the run.
 * @param {(line: string) => void} [log]
 * @returns {Promise<string>} the dist folder
 */
export async function ensureWebBuild(log = () => {}) {
  const index = join(WEB_DIST, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return WEB_DIST;
  log("building web/dist/ (vite build)…");
  const child = spawn(process.execPath, [VITE, "build", "--config", CONFIG, "--logLevel", "warn"], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b) => (output += b.toString()));
  child.stderr.on("data", (b) => (output += b.toString()));
  const code = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`vite build failed (exit ${code}):\n${output}`);
  return WEB_DIST;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Serve web/dist/ (or another build of the page, e.g. an older one to compare with) with `vite preview`
 * on 127.0.0.1 (the process is spawned directly and stopped by its pid).
 * @param {string} [outDir] the folder to serve (default web/dist/)
 * @returns {Promise<{ url: string, stop: () => void }>}
 */
export async function startPreview(outDir = WEB_DIST) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      VITE,
      "preview",
      "--config",
      CONFIG,
      "--outDir",
      outDir,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(url);
      if (r.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`vite preview did not answer on ${url} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Launch /usr/bin/chromium headless, or return null when it is not installed. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) return null;
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * Wait until the page has drawn more posteriors than `generation` (its #status data-generation).
 * @param {import("playwright-core").Page} page
 * @param {number} generation
 */
export async function waitForRedraw(page, generation, timeout = 60_000) {
  await page.waitForFunction(
    (g) => Number(document.getElementById("status")?.dataset.generation ?? 0) > g,
    generation,
    { timeout },
  );
  return page.evaluate(() => ({
    generation: Number(document.getElementById("status").dataset.generation),
    ms: Number(document.getElementById("latency").dataset.ms),
  }));
}
