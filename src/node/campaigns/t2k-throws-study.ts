import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CampaignEvent, CampaignProgress, CampaignSummary } from "../../campaigns/executor.js";
import { encodeNpy } from "../../io/npy.js";
import { T2K_BINS } from "../../workflows/t2k/t2k-data.js";
import { T2K_KINDS_MODULE } from "../../workflows/t2k-campaign/t2k-kinds.js";
import { collectThrows, putThrowsInputs, throwsCampaign } from "../../workflows/t2k-campaign/throw-batches.js";
import { checkOutputFolder, writeFileAtomic } from "../files.js";
import { loadT2kMeasurement } from "../t2k-tune.js";
import { studyStoreDir, writeCampaignStudy } from "./campaign-study-file.js";
import { DiskCampaignStore } from "./disk-store.js";
import { chooseExecutor, type ExecutorChoice } from "./executor-choice.js";
import type { T2kThrowsStudyConfig } from "./t2k-throws-study-config.js";

/** The file of the throws in the study folder. */
export const T2K_THROWS_FILE = "throws.npy";

/**
 * Run the throws in `out`: the store in out/campaign/, all throws in out/throws.npy (float64
 * [throws, 58], batch order) once every batch is done.
 */
export async function runT2kThrowsStudy(o: {
  config: T2kThrowsStudyConfig;
  out: string;
  where: ExecutorChoice;
  onProgress?: (p: CampaignProgress, e: CampaignEvent) => void;
}): Promise<{ summary: CampaignSummary; file: string | null }> {
  checkOutputFolder(o.out, "--out");
  mkdirSync(o.out, { recursive: true });
  writeCampaignStudy(o.out, { ...o.config });
  const store = DiskCampaignStore.open(studyStoreDir(o.out), "--out");
  const data = loadT2kMeasurement();
  const inputs = await putThrowsInputs(
    store.artifacts,
    data.values,
    data.covariance,
    `T2K total covariance (${T2K_BINS} bins)`,
  );
  const campaign = throwsCampaign(inputs, o.config, { name: "t2k throws", kindsModule: T2K_KINDS_MODULE });
  const summary = await (await chooseExecutor(o.where)).run(campaign, store, { onProgress: o.onProgress });
  if (summary.failures.length > 0 || summary.stopped) return { summary, file: null };
  const throws = await collectThrows(campaign, summary.results, store.artifacts);
  const file = join(o.out, T2K_THROWS_FILE);
  writeFileAtomic(file, encodeNpy({ dtype: "float64", shape: [o.config.throws, T2K_BINS], data: throws }));
  return { summary, file };
}
