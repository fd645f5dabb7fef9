// A campaign worker process of the local pool (forked by local-executor.ts): imports the
// campaign's kinds module, then runs one job at a time as the coordinator sends them.
import "../relaxed-simd.js"; // the same kernels as the CLI, before any is compiled
import { Worker } from "node:worker_threads";
import type { JobKindRegistry } from "../../campaigns/job-kind.js";
import { runEnvelope } from "../../campaigns/job-envelope.js";
import { NSBI_VERSION } from "../../version.js";
import { DiskArtifactStore } from "./disk-artifacts.js";
import { loadJobKinds } from "./kinds-module.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

// The coordinator is gone (killed or finished): nothing to report to, stop.
process.on("disconnect", () => process.exit(0));
// A job's computation is synchronous, so "disconnect" is not seen while one runs: a watchdog thread
// checks every half second that the coordinator is still this process's parent, and kills the process
// (mid-job: jobs are idempotent, the job is re-run on resume) when it is not, e.g. after a SIGKILL or
// SIGTERM of the coordinator; otherwise an orphan would compute on for minutes.
const coordinator = process.ppid;
new Worker(
  `const { workerData } = require("node:worker_threads");
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); }, 500);`,
  { eval: true, workerData: coordinator },
).unref();

const send = (m: FromWorker) => {
  if (process.connected) process.send!(m);
};
let registry: JobKindRegistry | null = null;
let artifacts: DiskArtifactStore | null = null;

process.on("message", (m: ToWorker) => {
  void handle(m);
});

async function handle(m: ToWorker): Promise<void> {
  if (typeof m !== "object" || m === null) return;
  if (m.type === "init") {
    try {
      registry = await loadJobKinds(m.kindsModule);
      artifacts = new DiskArtifactStore(m.artifactsDir);
      send({ type: "ready", kinds: registry.list(), nsbiVersion: NSBI_VERSION });
    } catch (e) {
      send({ type: "init-failed", error: (e as Error).message });
    }
  } else if (m.type === "run") {
    if (!registry || !artifacts) {
      send({ type: "outcome", id: m.id, outcome: { status: "refused", error: "worker has no job kinds loaded" } });
      return;
    }
    const outcome = await runEnvelope(registry, m.envelope, {
      artifacts,
      // one job at a time in this process: its CPU time is the job's
      cpuClock: () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      },
      progress: (fraction, note) => {
        const p: FromWorker = { type: "progress", id: m.id, fraction };
        if (note !== undefined) p.note = note;
        send(p);
      },
    });
    send({ type: "outcome", id: m.id, outcome });
  }
}
