// Campaign executors compared: 1 and 2 local worker processes against 2 `nsbi worker` processes
// through Redis (BullMQ) on loopback. A toy campaign of short jobs measures the per-job overhead;
// an optional slice of the mixture study (--study) measures real jobs.
//
//   npm run build && node bench/campaign-executors.mjs [--jobs 100] [--delay-ms 0] [--study]
//
// Start-up is the time to the first finished job (workers and their kinds module loading); the
// steady state is from the first to the last finished job: ms per job and jobs per second. The
// Redis workers are started before the campaigns (as on a cluster), and their start-up is shown
// apart. Needs redis-server (apt-get install -y redis-server).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BullMqExecutor } from "../dist/node/campaigns/bullmq-dispatcher.js";
import { DiskCampaignStore } from "../dist/node/campaigns/disk-store.js";
import { LocalPoolExecutor } from "../dist/node/campaigns/local-executor.js";
import { findRedisServer, REDIS_SERVER_MISSING, TestRedisServer } from "../dist/node/campaigns/redis-server.js";
import { toyCampaign } from "../src/node/campaigns/fixtures/toy-campaign.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const jobs = Number(arg("--jobs", "100"));
const delayMs = Number(arg("--delay-ms", "0"));
const withStudy = process.argv.includes("--study");
if (!findRedisServer()) {
  console.error(REDIS_SERVER_MISSING);
  process.exit(1);
}
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "nsbi-bench-executors-"));

/** Run one campaign, timing start-up (to the first finished job) and the steady state. */
async function timed(run) {
  const t0 = performance.now();
  let first = null;
  let last = null;
  const summary = await run({
    onProgress: (_p, e) => {
      if (e.type !== "done") return;
      last = performance.now();
      first ??= last;
    },
  });
  const n = summary.done - summary.resumed;
  // the results, to check that every executor computed the same numbers. A trained mixture model's
  // config file (artifact `config` of a train job) records its training's wall time, so its hash
  // differs from run to run; its weights and every evaluation must not.
  const results = JSON.stringify(
    [...summary.results].sort(([a], [b]) => (a < b ? -1 : 1)),
    (k, v) => (k === "config" && v?.$artifact ? "(model config: records training times)" : v),
  );
  return {
    results,
    done: summary.done,
    failed: summary.failed,
    total: (performance.now() - t0) / 1000,
    startup: (first - t0) / 1000,
    perJobMs: n > 1 ? (last - first) / (n - 1) : Number.NaN,
  };
}

const rows = [];
const firstResults = new Map();
const row = (name, { results, ...r }) => {
  // the same campaign (toy or study) must give identical results on every executor
  const what = name.split(",")[0];
  if (!firstResults.has(what)) firstResults.set(what, results);
  r.sameResults = firstResults.get(what) === results;
  rows.push({ name, ...r });
  console.error(`${name}: ${JSON.stringify(r)}`);
};

const redis = await TestRedisServer.start();
const workers = [];
// stopped (Ctrl-C, a timeout): stop Redis and the workers too
for (const signal of ["SIGINT", "SIGTERM"])
  process.once(signal, async () => {
    for (const w of workers) (await w).kill("SIGTERM");
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  });
try {
  const t0 = performance.now();
  for (let i = 0; i < 2; i++) {
    const child = spawn(process.execPath, [CLI, "worker", "--redis", redis.url, "--concurrency", "1"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    workers.push(
      new Promise((resolve) => {
        child.stderr.on("data", (b) => {
          if (/connected/.test(b.toString())) resolve(child);
        });
      }),
    );
  }
  const started = await Promise.all(workers);
  const workerStartup = (performance.now() - t0) / 1000;

  const campaign = toyCampaign({ n: jobs - 1, delayMs });
  const store = (name) => DiskCampaignStore.open(join(root, name));
  row(
    "toy, 1 local worker",
    await timed((o) => new LocalPoolExecutor({ concurrency: 1 }).run(campaign, store("l1"), o)),
  );
  row(
    "toy, 2 local workers",
    await timed((o) => new LocalPoolExecutor({ concurrency: 2 }).run(campaign, store("l2"), o)),
  );
  row(
    "toy, 2 Redis workers",
    await timed((o) => new BullMqExecutor({ redis: redis.url }).run(campaign, store("r2"), o)),
  );

  if (withStudy) {
    const { runMixtureStudy } = await import("../dist/node/mixture-study.js");
    const { parseStudyConfig } = await import("../dist/workflows/mixture/study-config.js");
    // a slice of the seed-001 Gaussian study: r = 2, DLE and LRE, 2 models each of 5,000 events,
    // each evaluated on 3 signal strengths with 5 bootstraps (9 jobs of about 5-20 s)
    const config = parseStudyConfig(
      {
        simulator: "gaussian",
        distances: [2],
        methods: ["dle", "lre"],
        scale: "quick",
        modelsPerMethod: 2,
        trainingEvents: 5000,
        maxEpochs: 20,
        zGridSize: 11,
        protocol: { muValues: [0.5, 1, 2], setsPerPoint: 1, bootstraps: 5 },
      },
      "bench",
    );
    for (const [name, extra] of [
      ["study slice, 1 local worker", { workers: 1 }],
      ["study slice, 2 local workers", { workers: 2 }],
      ["study slice, 2 Redis workers", { redis: redis.url }],
    ])
      row(
        name,
        await timed((o) =>
          runMixtureStudy({ config, out: join(root, name.replace(/\W+/g, "-")), ...extra, ...o }).then(
            (r) => r.summary,
          ),
        ),
      );
  }

  console.log(
    `\n${jobs} toy jobs (${delayMs} ms of work each); Redis workers started in ${workerStartup.toFixed(1)} s`,
  );
  console.log("| executor | jobs | failed | wall s | start-up s | steady ms/job | jobs/s | results as the first |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.done} | ${r.failed} | ${r.total.toFixed(2)} | ${r.startup.toFixed(2)} | ${r.perJobMs.toFixed(1)} | ${(1000 / r.perJobMs).toPrecision(3)} | ${r.sameResults ? "identical" : "DIFFERENT"} |`,
    );
  for (const w of started) w.kill("SIGTERM");
} finally {
  await redis.stop();
  rmSync(root, { recursive: true, force: true });
}
