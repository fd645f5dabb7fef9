import { describe, expect, test } from "vitest";
import {
  T2K_MIN_TRAINING_CONFIGURATIONS,
  T2K_TUNE_DEFAULTS,
  T2K_TUNE_QUICK,
  smallTrainingSetWarning,
} from "./tune-settings.js";

describe("smallTrainingSetWarning", () => {
  test("warns below the documented minimum of 10,000 training configurations, naming the count", () => {
    expect(T2K_MIN_TRAINING_CONFIGURATIONS).toBe(10_000);
    expect(smallTrainingSetWarning(5)).toMatch(
      /^only 5 training configurations \(fewer than 10,000\): .*not trustworthy/,
    );
    expect(smallTrainingSetWarning(9_999)).toMatch(/only 9,999 /);
    expect(smallTrainingSetWarning(10_000)).toBeNull();
  });

  test("the default and --quick runs are not warned about", () => {
    expect(smallTrainingSetWarning(T2K_TUNE_DEFAULTS.numTrain)).toBeNull();
    expect(smallTrainingSetWarning(T2K_TUNE_QUICK.numTrain!)).toBeNull();
  });
});
