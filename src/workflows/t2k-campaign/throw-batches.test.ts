import { describe, expect, test } from "vitest";
import { InProcessExecutor } from "../../campaigns/in-process-executor.js";
import { JobKindRegistry } from "../../campaigns/job-kind.js";
import { MemoryCampaignStore } from "../../campaigns/memory-store.js";
import { Rng } from "../../engine/rng.js";
import { sha256Hex } from "../../io/sha256.js";
import {
  collectThrows,
  covarianceThrowBatches,
  putThrowsInputs,
  throwBatchKind,
  throwBatchSeed,
  throwBatchSizes,
  throwsCampaign,
} from "./throw-batches.js";

// V = [[4, 2], [2, 5]]: Cholesky L = [[2, 0], [1, 2]] by hand (2·2 = 4, 1·2 = 2, 1 + 4 = 5)
const mean = Float64Array.of(10, -3),
  cov = Float64Array.of(4, 2, 2, 5);

describe("T2K covariance throws as a campaign", () => {
  test("batches of throws through the campaign equal the in-process call and μ + L z from each batch's seed", async () => {
    const settings = { throws: 7, batch: 3, seed: 5 };
    expect(throwBatchSizes(7, 3)).toEqual([3, 3, 1]);
    const store = new MemoryCampaignStore();
    const inputs = await putThrowsInputs(store.artifacts, mean, cov, "V");
    const campaign = throwsCampaign(inputs, settings, { name: "throws", kindsModule: "unused" });
    expect(campaign.jobs.map((j) => j.label)).toEqual(["throws 1-3", "throws 4-6", "throws 7-7"]);
    const summary = await new InProcessExecutor(new JobKindRegistry([throwBatchKind])).run(campaign, store);
    expect(summary).toMatchObject({ done: 3, failed: 0 });
    const viaCampaign = await collectThrows(campaign, summary.results, store.artifacts);
    expect(viaCampaign).toEqual(covarianceThrowBatches(mean, cov, settings));
    // by hand: batch b draws z from new Rng(seed_b), seed_b = first 32 bits of SHA-256('5|"t2k-throws"|b')
    const expected: number[] = [];
    for (const [b, count] of [
      [0, 3],
      [1, 3],
      [2, 1],
    ]) {
      const seed = Number.parseInt(sha256Hex(new TextEncoder().encode(`5|"t2k-throws"|${b}`)).slice(0, 8), 16);
      expect(throwBatchSeed(5, b)).toBe(seed);
      const rng = new Rng(seed);
      for (let t = 0; t < count; t++) {
        const z1 = rng.normal(),
          z2 = rng.normal();
        expected.push(10 + 2 * z1, -3 + z1 + 2 * z2);
      }
    }
    expect(viaCampaign.length).toBe(14);
    for (let i = 0; i < 14; i++) expect(viaCampaign[i]).toBeCloseTo(expected[i], 12);
  });

  test("a covariance that is not positive definite, or of the wrong size, fails before any job", async () => {
    const store = new MemoryCampaignStore();
    await expect(putThrowsInputs(store.artifacts, mean, Float64Array.of(1, 2, 2, 1), "V")).rejects.toThrow(/V/);
    await expect(putThrowsInputs(store.artifacts, mean, Float64Array.of(1, 0, 0), "V")).rejects.toThrow(
      "V: 3 values, expected 2 × 2 for a mean of 2",
    );
    expect(() => throwBatchSizes(5, 0)).toThrow("batch: expected a positive integer of throws per job, got 0");
  });
});
