import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CampaignEvent, CampaignProgress, CampaignSummary } from "../../campaigns/executor.js";
import type { DiagnosticsReport } from "../../diagnostics/run-diagnostics.js";
import { NsbiInputError } from "../../errors.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE } from "../../inference/model-file.js";
import type { KernelChoice } from "../../kernels/select.js";
import {
  diagnoseCampaign,
  diagnoseCampaignReport,
  putDiagnoseInputs,
} from "../../workflows/diagnose-campaign/diagnose-jobs.js";
import { DIAGNOSE_KINDS_MODULE } from "../../workflows/diagnose-campaign/diagnose-kinds.js";
import {
  type DiagnoseMcmcSettings,
  resolveDiagnoseMcmc,
} from "../../workflows/diagnose-campaign/diagnose-mcmc-settings.js";
import { writeDiagnosticsReport } from "../diagnostics-report.js";
import { checkOutputFolder } from "../files.js";
import { loadModel, modelMethod } from "../model-io.js";
import { readSimulationsFile } from "../simulations-file.js";
import { studyStoreDir, writeCampaignStudy } from "./campaign-study-file.js";
import { DiskCampaignStore } from "./disk-store.js";
import { type DiagnoseStudyConfig, MCMC_CONFIG_FIELDS } from "./diagnose-study-config.js";
import { chooseExecutor, type ExecutorChoice } from "./executor-choice.js";

export interface DiagnoseStudyRun {
  summary: CampaignSummary;
  /** null if jobs failed (the report needs every chunk). */
  report: DiagnosticsReport | null;
  /** The report folder. */
  reportDir: string;
}

/**
 * Run a diagnose study in `out`: the campaign store in out/campaign/, the report (diagnostics.json,
 * figures, index.html, as `nsbi diagnose` writes them) in out/report/. A rerun or resume keeps
 * the chunks already drawn. An NLE/NRE model runs one MCMC run per test observation with the
 * config's MCMC settings (defaults filled in and saved with the study, so that a resume runs
 * the same jobs).
 */
export async function runDiagnoseStudy(o: {
  config: DiagnoseStudyConfig;
  out: string;
  /** The kernel path if the config names none (the CLI's --kernels). */
  kernels?: KernelChoice;
  where: ExecutorChoice;
  onProgress?: (p: CampaignProgress, e: CampaignEvent) => void;
}): Promise<DiagnoseStudyRun> {
  const kernels = o.config.kernels ?? o.kernels ?? "auto";
  const c = { ...o.config, kernels };
  checkOutputFolder(o.out, "--out");
  const posterior = loadModel(c.model, { method: "any", kernels });
  const method = modelMethod(posterior);
  const given = { method: c.mcmc, chains: c.chains, warmup: c.warmup, thin: c.thin };
  let mcmc: DiagnoseMcmcSettings | null = null;
  if (method === "npe") {
    const fields = Object.values(MCMC_CONFIG_FIELDS).filter((k) => c[k] !== undefined);
    if (fields.length > 0)
      throw new NsbiInputError(
        `${fields.join(", ")}: MCMC settings apply to NLE/NRE models, but model '${c.model}' is an NPE model (sampled directly)`,
      );
  } else {
    mcmc = resolveDiagnoseMcmc(given, (k) => MCMC_CONFIG_FIELDS[k]);
    Object.assign(c, { mcmc: mcmc.method, chains: mcmc.chains, warmup: mcmc.warmup, thin: mcmc.thin });
  }
  const tests = readSimulationsFile(c.data);
  if (tests.thetaDim !== posterior.thetaDim || tests.xDim !== posterior.xDim)
    throw new NsbiInputError(
      `data '${c.data}': theta [${tests.n}, ${tests.thetaDim}] and x [${tests.n}, ${tests.xDim}], but the model has theta ${posterior.thetaDim} and x ${posterior.xDim}`,
    );
  for (const [name, a] of [
    ["theta", tests.theta],
    ["x", tests.x],
  ] as const) {
    const bad = a.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new NsbiInputError(`data '${c.data}': ${name} value ${bad} is ${a[bad]}, expected finite test pairs`);
  }
  mkdirSync(o.out, { recursive: true });
  writeCampaignStudy(o.out, { ...c });
  const store = DiskCampaignStore.open(studyStoreDir(o.out), "--out");
  const files = {
    config: readFileSync(join(c.model, MODEL_CONFIG_FILE), "utf8"),
    weights: new Uint8Array(readFileSync(join(c.model, MODEL_WEIGHTS_FILE))),
  };
  const inputs = await putDiagnoseInputs(store.artifacts, files, tests);
  const campaign = diagnoseCampaign(
    inputs,
    { numSamples: c.numSamples, seed: c.seed, chunk: c.chunk, kernels, ...(mcmc ? { mcmc } : {}) },
    { name: `diagnose ${c.model}`, kindsModule: DIAGNOSE_KINDS_MODULE },
  );
  const executor = await chooseExecutor(o.where);
  const summary = await executor.run(campaign, store, { onProgress: o.onProgress });
  const reportDir = join(o.out, "report");
  if (summary.failures.length > 0 || summary.stopped) return { summary, report: null, reportDir };
  const report = await diagnoseCampaignReport(campaign, summary.results, store.artifacts, {
    parameterNames: posterior.parameterNames,
    seed: c.seed,
    // the campaign's wall time in this run (resumed chunks took none)
    samplingSeconds: summary.elapsedSeconds,
  });
  await writeDiagnosticsReport(reportDir, report, {
    title: `Calibration of ${c.model}`,
    subtitle: [
      `test pairs: ${c.data} (${tests.n})`,
      `drawn by a campaign: ${campaign.jobs.length} jobs of ${c.chunk} observations, chunk seeds from seed ${c.seed}`,
      ...(mcmc
        ? [
            `${method.toUpperCase()} posterior by ${mcmc.method} MCMC per test: ${mcmc.chains} chains, warm-up ${mcmc.warmup}, thin ${mcmc.thin}`,
          ]
        : []),
    ],
  });
  return { summary, report, reportDir };
}
