/**
 * Settings of `nsbi t2k tune`, with the choices of Tame-Narvaez et al. (arXiv:2603.09778, section
 * III) as defaults: embedding
 * MLP 58→45→32→20, MAF with 3 MADE blocks × 55 hidden features, batch 512, 10% validation,
 * patience 50, seed 555, 171,747 training configurations and 1,000 test configurations.
 *
 * Learning rate: the paper used 10⁻²; nsbi defaults to 10⁻³ (sbi's own default is 5·10⁻⁴). Measured
 * on the same 171,747 simulations and seed 555 (docs/t2k-workflow.md): best validation loss −9.627
 * with 10⁻³ against −9.520 with 10⁻², whose network then put no draw inside the prior for one of
 * the mock-data inferences.
 */
export interface T2kTuneSettings {
  numTrain: number;
  numTest: number;
  numThrows: number;
  /** Posterior draws per inference (mock data, central values, every throw, every test). */
  numSamples: number;
  /** N of the finite-statistics fluctuation of each simulated configuration (0 = expectation). */
  generatedEvents: number;
  simulationSeed: number;
  trainingSeed: number;
  analysisSeed: number;
  learningRate: number;
  batchSize: number;
  stopAfterEpochs: number;
  maxEpochs?: number;
  validationFraction: number;
  embedding: number[];
  hiddenFeatures: number;
  transforms: number;
  /**
   * Noise added to each simulated training/test histogram: "poisson" (the finite-statistics
   * fluctuation only, like a generator-made training set: the paper's setting) or
   * "poisson+covariance" (also a draw from N(0, V_T2K), the measurement's total covariance, so
   * the posterior includes the measurement uncertainty directly and real data lies inside the
   * training distribution; beyond the paper).
   */
  noise: "poisson" | "poisson+covariance";
  /** A user's (θ, 58-bin) training set instead of the built-in simulator; its first numTest rows are the test split. */
  trainingSet?: string;
  /** The training set's θ are the paper's raw GENIE dial values (mapped to physical units on reading). */
  genieDials?: boolean;
}

export const T2K_TUNE_DEFAULTS: Readonly<T2kTuneSettings> = Object.freeze({
  numTrain: 171_747,
  numTest: 1000,
  numThrows: 1000,
  numSamples: 1000,
  generatedEvents: 10_000,
  noise: "poisson",
  simulationSeed: 0,
  trainingSeed: 555,
  analysisSeed: 1,
  learningRate: 1e-3,
  batchSize: 512,
  stopAfterEpochs: 50,
  validationFraction: 0.1,
  embedding: [45, 32, 20],
  hiddenFeatures: 55,
  transforms: 3,
});

/** `--quick`: a small run to see the whole workflow in well under a minute. */
export const T2K_TUNE_QUICK: Readonly<Partial<T2kTuneSettings>> = Object.freeze({
  numTrain: 20_000,
  numTest: 200,
  numThrows: 200,
  numSamples: 500,
  stopAfterEpochs: 10,
  maxEpochs: 60,
});

/**
 * Fewest training configurations whose results `nsbi t2k tune` presents without a warning. Below
 * it the run still completes (to try the workflow, or with a small generator sample of one's own),
 * but the network (embedding 58→45→32→20, MAF 3 × 55: some 20,000 weights) is fitted to too few
 * pairs for its Table I to mean anything: the warning is printed, written at the top of table1.md and
 * index.html and recorded in results.json. 10,000 is half the `--quick` size (20,000, whose
 * calibration docs/t2k-workflow.md reports) and 1/17 of the paper's 171,747.
 */
export const T2K_MIN_TRAINING_CONFIGURATIONS = 10_000;

/** The warning for a run trained on `trainRows` configurations, or null when there are enough. */
export function smallTrainingSetWarning(trainRows: number): string | null {
  if (trainRows >= T2K_MIN_TRAINING_CONFIGURATIONS) return null;
  return (
    `only ${trainRows.toLocaleString("en-US")} training configurations (fewer than ${T2K_MIN_TRAINING_CONFIGURATIONS.toLocaleString("en-US")}): ` +
    "the posterior, Table I and the calibration of this run are not trustworthy; use the default " +
    `${T2K_TUNE_DEFAULTS.numTrain.toLocaleString("en-US")} (the paper's) or --quick (${T2K_TUNE_QUICK.numTrain!.toLocaleString("en-US")}) for results`
  );
}
