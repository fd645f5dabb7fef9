/**
 * nsbi — neural simulation-based inference in TypeScript. The browser-safe public API: methods,
 * posteriors, priors, tasks, diagnostics, plots, and the model and data file formats. Nothing
 * exported here imports a Node-only module. Node users get the same plus file helpers from the
 * package's "node" entry (chosen automatically by `import "nsbi"` under Node).
 *
 * The building blocks of the estimators (kernels, tensors, the tape, parameter stores, layers,
 * Adam, the training loop, flows) are in the `nsbi/engine` subpath (src/engine-api.ts,
 * docs/engine.md), for people who build new estimators.
 */
export { NSBI_VERSION } from "./version.js";
export { NsbiInputError, NsbiFormatError, NsbiInternalError } from "./errors.js";
export { setWarningHandler, type WarningHandler } from "./logging.js";
export { Rng } from "./engine/rng.js";
export type { KernelChoice } from "./kernels/select.js";

// methods and posteriors
export { NPE, type NpeOptions, type NpeTrainOptions } from "./inference/npe.js";
export { FLOW_DEFAULTS, DEFAULT_TAIL_BOUND, type FlowOptions } from "./flows/flow-config.js";
export {
  TRAIN_DEFAULTS,
  TrainingDivergedError,
  type TrainOptions,
  type TrainingHistory,
  type EpochInfo,
  type CheckpointSink,
} from "./estimators/trainer.js";
export { NETWORK_LIMITS } from "./estimators/network-limits.js";
export type { TrainingMetadata } from "./estimators/training-metadata.js";
export { Posterior, type SampleOptions, type SampleResult } from "./inference/posterior.js";
export { summarizeSamples, type PosteriorSummary } from "./inference/summary.js";
export { NLE, NLE_FLOW_DEFAULTS, type NleOptions } from "./inference/nle.js";
export { NRE, type NreOptions, type NreTrainOptions } from "./inference/nre.js";
export { NreRatio, type NreLossConfig, type ClassPrior, type EmbeddedObservations } from "./inference/nre-ratio.js";
export {
  McmcPosterior,
  type McmcEstimator,
  type McmcSampleOptions,
  type McmcMapOptions,
  type TrialsOption,
} from "./inference/mcmc-posterior.js";
export {
  runMcmc,
  type McmcMethod,
  type McmcOptions,
  type McmcResult,
  type McmcDiagnostics,
} from "./inference/mcmc/run-mcmc.js";
export type { McmcInitialization } from "./inference/mcmc/initialization.js";
export type { StuckChain } from "./inference/mcmc/chain-health.js";
export { nlePotential, type NlePotentialOptions } from "./inference/nle-potential.js";
export { nrePotential, type NrePotentialOptions } from "./inference/nre-potential.js";
export {
  serializeNle,
  deserializeNle,
  NLE_MODEL_FORMAT,
  type NleModel,
  type NleModelConfig,
} from "./inference/nle-model-file.js";
export {
  serializeRatio,
  deserializeRatio,
  NRE_MODEL_FORMAT,
  type NreModelConfig,
} from "./inference/nre-model-file.js";

// priors
export type { Prior, PriorConfig } from "./flows/priors/prior.js";
export { BoxUniform } from "./flows/priors/box-uniform.js";
export { Gaussian } from "./flows/priors/gaussian.js";
export { MultivariateGaussian } from "./flows/priors/multivariate-gaussian.js";
export { LogNormal } from "./flows/priors/lognormal.js";
export { priorFromConfig } from "./flows/priors/prior-from-config.js";

// tasks
export type { Task } from "./workflows/tasks/task.js";
export { getTask, taskNames } from "./workflows/tasks/registry.js";
export {
  exactReferencePosterior,
  exactReferenceTasks,
  syntheticObservation,
  SYNTHETIC_OBSERVATION_SEED,
  type ExactReferencePosterior,
} from "./workflows/tasks/reference-posterior.js";

// diagnostics
export type { CalibrationSamples } from "./diagnostics/calibration-samples.js";
export {
  runDiagnostics,
  DIAGNOSTIC_DEFINITIONS,
  type DiagnosticsReport,
  type DiagnosticsOptions,
  type DiagnosticsProgress,
  type DiagnosablePosterior,
  type McmcRunsSummary,
  type McmcDiagnosticsOptions,
  mcmcProblems,
} from "./diagnostics/run-diagnostics.js";
export { c2st, type C2stResult } from "./diagnostics/c2st.js";
export {
  sbc,
  sbcRanks,
  dataAveragedPosteriorCheck,
  type SbcResult,
  type SbcOptions,
  type DataAveragedPosteriorCheck,
} from "./diagnostics/sbc.js";
export { sbcRankHistogram, sbcEcdfBands, type RankHistogram, type EcdfBands } from "./diagnostics/sbc-bands.js";
export {
  expectedCoverage,
  centralIntervalCoverage,
  type ExpectedCoverageResult,
  type CentralCoverageResult,
  type CoverageDeviation,
} from "./diagnostics/expected-coverage.js";
export { tarp, type TarpOptions, type TarpResult, type TarpNormalization } from "./diagnostics/tarp.js";
export {
  pulls,
  type PullsResult,
  type PullFit,
  type ResidualSummary,
  type TruthVsPredicted,
} from "./diagnostics/pulls.js";
export {
  coverageVerdict,
  pullsVerdict,
  tarpVerdict,
  sbcVerdict,
  dataAveragedPosteriorVerdict,
  overallVerdict,
  P_VALUE_THRESHOLD,
  type CalibrationVerdict,
  type Verdict,
} from "./diagnostics/verdict.js";

// plots (Vega-Lite specs; renderSvg draws them headless)
export { renderSvg, type RenderSvgOptions } from "./plots/render-svg.js";
export type { PlotSpec, PlotMatrix, ParameterLabel, Numbers } from "./plots/plot-spec.js";
export { OKABE_ITO, themeConfig } from "./plots/theme.js";
export { pairPlot, type PairPlotInput } from "./plots/pair-plot.js";
export { trueVsPredictedPlot, type TrueVsPredictedInput } from "./plots/true-vs-predicted-plot.js";
export { pullHistogramPlot, type PullHistogramInput } from "./plots/pull-histogram-plot.js";
export { residualCornerPlot, type ResidualCornerInput } from "./plots/residual-corner-plot.js";
export { coveragePlot, type CoveragePlotInput } from "./plots/coverage-plot.js";
export { sbcRankPlot, type SbcRankInput } from "./plots/sbc-rank-plot.js";
export { binnedSpectrumPlot, type BinnedSpectrumInput } from "./plots/binned-spectrum-plot.js";
export {
  parameterComparisonPlot,
  type ParameterComparisonInput,
  type ComparedParameter,
  type EstimateRow,
} from "./plots/parameter-comparison-plot.js";
export { bandVsIndexPlot, type BandVsIndexInput } from "./plots/band-vs-index-plot.js";
export { hpdContours, type HpdContour, type HpdContourOptions } from "./plots/hpd-contours.js";

// model files (config.json + model.safetensors, as bytes)
export {
  serializePosterior,
  deserializePosterior,
  MODEL_CONFIG_FILE,
  MODEL_WEIGHTS_FILE,
  type ModelFiles,
} from "./inference/model-file.js";

// data files (bytes in, bytes out)
export type { NdArray, Float32Matrix, DType } from "./io/ndarray.js";
export { encodeNpy, decodeNpy } from "./io/npy.js";
export { encodeNpz, decodeNpz } from "./io/npz.js";
export { parseCsv, formatCsv, type CsvTable } from "./io/csv.js";
export { encodeSafetensors, decodeSafetensors } from "./io/safetensors.js";

// campaigns: studies as job lists keyed by content (docs/campaigns.md)
export { makeJob, jobKey, CAMPAIGN_FORMAT_VERSION, type Job, type JobSpec } from "./campaigns/job.js";
export { JobKindRegistry, type JobKind, type JobContext } from "./campaigns/job-kind.js";
export { defineCampaign, parseCampaign, type Campaign } from "./campaigns/campaign.js";
export type { ArtifactRef, ArtifactStore } from "./campaigns/artifact.js";
export type {
  CampaignExecutor,
  CampaignSummary,
  CampaignProgress,
  CampaignEvent,
  RunOptions,
  JobDispatcher,
} from "./campaigns/executor.js";
export type { CampaignStore } from "./campaigns/store.js";
export type { CampaignManifest } from "./campaigns/manifest.js";
export { runCampaign } from "./campaigns/run-campaign.js";
export { runEnvelope, type JobEnvelope, type JobOutcome } from "./campaigns/job-envelope.js";
export { InProcessExecutor } from "./campaigns/in-process-executor.js";
export { MemoryCampaignStore } from "./campaigns/memory-store.js";
export { progressLine } from "./campaigns/progress-line.js";
export { diagnoseInChunks } from "./workflows/diagnose-campaign/diagnose-jobs.js";
export { diagnoseFromDraws } from "./workflows/diagnose-campaign/diagnose-from-draws.js";
export { covarianceThrowBatches } from "./workflows/t2k-campaign/throw-batches.js";
export { inferThrowsInBatches } from "./workflows/t2k-campaign/throws-inference-batches.js";
export {
  assembleMcmcRuns,
  type McmcObservationRun,
  type McmcRunRecord,
  runMcmcObservation,
  runMcmcObservations,
} from "./diagnostics/mcmc-runs.js";
export {
  DIAGNOSE_MCMC_DEFAULTS,
  type DiagnoseMcmcSettings,
} from "./workflows/diagnose-campaign/diagnose-mcmc-settings.js";

// signal strength with a nuisance: profile likelihood of two-component mixtures (docs/profile-likelihood.md)
export type {
  MixtureComponents,
  ComponentValues,
  ComponentValuesWithGradient,
} from "./inference/mixture/mixture-components.js";
export {
  buildComponentTable,
  componentTableFromValues,
  type ComponentTable,
} from "./inference/mixture/component-table.js";
export { drawBootstrapCounts, type EventWeights } from "./inference/mixture/bootstrap-counts.js";
export { weighTable, type WeightedTable } from "./inference/mixture/weighted-table.js";
export { mixtureNll } from "./inference/mixture/mixture-nll.js";
export { signalFraction, signalRatio } from "./inference/mixture/signal-fraction.js";
export {
  fitProfileLikelihood,
  type ProfileLikelihoodFit,
  type ProfileLikelihoodOptions,
} from "./inference/mixture/profile-likelihood.js";
export {
  intervalWidth,
  intervalCovers,
  type LikelihoodInterval,
  type IntervalEnd,
} from "./inference/mixture/likelihood-interval.js";
export {
  deltaNllContours,
  CONTOUR_LEVELS_2D,
  type DeltaNllContours,
} from "./inference/mixture/delta-nll-contours.js";
export { nllSurface, type NllSurface } from "./inference/mixture/nll-surface.js";
export { likelihoodOverlap, type LikelihoodOverlap } from "./inference/mixture/overlap.js";
export {
  fitMixtureByGradient,
  type GradientFitOptions,
  type GradientFitResult,
} from "./inference/mixture/gradient-fit.js";
export {
  evaluateBootstraps,
  type BootstrapEvaluationOptions,
  type BootstrapOutcome,
  type SetEvaluation,
  type OverlapGridOptions,
} from "./inference/mixture/bootstrap-evaluation.js";

// signal strength with a nuisance: simulators, DLE / LRE models, the evaluation protocol and the study
// (Sluijter, Diefenbacher, Bhimji, Nachman 2025; docs/mixture-models.md, docs/mixture-study.md)
export type { MixtureSimulator } from "./workflows/mixture/mixture-simulator.js";
export {
  GaussianMixtureSimulator,
  type GaussianMixtureSimulatorOptions,
} from "./workflows/mixture/gaussian-simulator.js";
export { TesToySimulator } from "./workflows/mixture/tes-toy.js";
export { GaussianKde2d, type GaussianKde2dOptions } from "./workflows/mixture/tes-toy-kde.js";
export {
  mixtureProtocol,
  drawTestSet,
  drawMixtureEvents,
  drawIndependentDataset,
  protocolDrawSeed,
  PROTOCOL_MU_VALUES,
  GAUSSIAN_PROTOCOL_Z_VALUES,
  TES_PROTOCOL_Z_VALUES,
  type MixtureProtocol,
  type MixtureProtocolOptions,
  type MixtureGridPoint,
  type MixtureLabelling,
  type MixtureEvents,
  type MixtureTestSet,
} from "./workflows/mixture/protocol.js";
export {
  trainDle,
  DLE_FLOW_DEFAULTS,
  DLE_EMBEDDING_DEFAULT,
  DLE_TRAIN_DEFAULTS,
  type DleOptions,
} from "./workflows/mixture/dle.js";
export { DleModel } from "./workflows/mixture/dle-model.js";
export { trainLre, LRE_CLASSIFIER_DEFAULTS, LRE_TRAIN_DEFAULTS, type LreOptions } from "./workflows/mixture/lre.js";
export { LreModel, type LreClassifier } from "./workflows/mixture/lre-model.js";
export {
  estimateLreNormalization,
  lreNormalizationAt,
  LRE_NORMALIZATION_DEFAULTS,
  type LreNormalization,
} from "./workflows/mixture/lre-normalization.js";
export {
  coverageAgainstKPlot,
  largeSampleBootstrapCoverage,
  type CoverageAtK,
} from "./plots/coverage-against-k-plot.js";
export {
  serializeMixtureModel,
  deserializeMixtureModel,
  MIXTURE_MODEL_FORMAT,
  type MixtureModel,
} from "./workflows/mixture/mixture-model-file.js";
export {
  parseStudyConfig,
  STUDY_SCALES,
  type MixtureStudyConfig,
  type MixtureStudyConfigInput,
} from "./workflows/mixture/study-config.js";
export { buildStudyCampaign } from "./workflows/mixture/study-jobs.js";
export {
  aggregateStudyResults,
  MIXTURE_STUDY_PAPER,
  type MixtureStudyResults,
} from "./workflows/mixture/study-results.js";
export { fitMixtureEvents, type MixtureEventsFit } from "./workflows/mixture/study-fit.js";

// w_i f_i ensembles (arXiv 2506.00113): weights over frozen log-ratio networks, sandwich errors, Gong–Samaniego
export { basisValues, ensembleLogRatio, type BasisValues } from "./inference/ensemble-weights/basis-values.js";
export { symmetrisedMlcLoss, type EnsembleFitData, type MlcLossValue } from "./inference/ensemble-weights/mlc-loss.js";
export {
  fitEnsembleWeights,
  type EnsembleWeightsFit,
  type FitEnsembleWeightsOptions,
} from "./inference/ensemble-weights/fit-ensemble-weights.js";
export { sandwichCovariance, type SandwichCovariance } from "./inference/ensemble-weights/sandwich-covariance.js";
export {
  logRatioWithUncertainty,
  type LogRatioWithUncertainty,
} from "./inference/ensemble-weights/log-ratio-uncertainty.js";
export {
  fitMixtureFraction,
  mixtureFractionLogLikelihood,
  type MixtureFractionFit,
} from "./inference/ensemble-weights/mixture-fraction.js";
export {
  mixtureFractionBias,
  type MixtureFractionBias,
} from "./inference/ensemble-weights/mixture-fraction-bias.js";
export {
  gongSamaniego,
  type GongSamaniegoInput,
  type GongSamaniegoResult,
} from "./inference/ensemble-weights/gong-samaniego.js";
export {
  ensembleMixtureFraction,
  mixtureFractionCrossDerivative,
  likelihoodZ,
  type EnsembleMixtureFraction,
} from "./inference/ensemble-weights/ensemble-mixture-fraction.js";
export {
  TwoGaussianToy,
  TWO_GAUSSIAN_TOY_DEFAULTS,
  TWO_GAUSSIAN_TOY_QUADRATIC,
  type Gaussian2,
} from "./workflows/ensemble-study/two-gaussian-toy.js";
export { LogRatioEnsemble } from "./workflows/ensemble-study/log-ratio-ensemble.js";
export {
  trainLogRatioEnsemble,
  ENSEMBLE_CLASSIFIER_DEFAULTS,
  ENSEMBLE_TRAIN_DEFAULTS,
  type TrainLogRatioEnsembleOptions,
} from "./workflows/ensemble-study/train-log-ratio-ensemble.js";
export {
  runPseudoExperiment,
  fitWeightsOnFreshSet,
  type PseudoExperimentResult,
  type MethodEstimate,
} from "./workflows/ensemble-study/pseudo-experiment.js";

// template-adapted mixture models, binned Bayesian version (Alvarez, Benevedes, Szewc, Thaler, arXiv 2604.02219; docs/tamm-binned.md)
export {
  fitBinnedTamm,
  type FitBinnedTammOptions,
  type BinnedTammFit,
  type BinnedTammMcmcOptions,
} from "./inference/tamm-binned/fit-binned-tamm.js";
export {
  BinnedTammPotential,
  type BinnedTammModel,
  type TammParameters,
} from "./inference/tamm-binned/binned-tamm-potential.js";
export {
  checkTammInput,
  type BinnedTammInput,
  type BinnedTammPrior,
} from "./inference/tamm-binned/check-tamm-input.js";
export { histogramCounts, type HistogramGrid, type HistogramCounts } from "./inference/tamm-binned/histogram-grid.js";
export { binIntegralsByQuadrature, type BinIntegrals } from "./inference/tamm-binned/bin-quadrature.js";
export { binProbabilities } from "./inference/tamm-binned/bin-probabilities.js";
export { credibleSummary, type CredibleSummary } from "./inference/tamm-binned/credible-summary.js";

// template-adapted mixture models, unbinned frequentist version (Alvarez, Benevedes, Szewc, Thaler, arXiv 2604.02219; docs/tamm.md)
export { fitTamm, type FitTammOptions, type TammFit, type TammZScore } from "./inference/tamm/fit-tamm.js";
export { type TammColumns, checkTammColumns } from "./inference/tamm/tamm-columns.js";
export type { TammComponent, TammForm } from "./inference/tamm/tamm-component.js";
export { tammObjective, type TammModel, type TammObjectiveValue } from "./inference/tamm/tamm-objective.js";
export { tammSandwich, type TammCovariances } from "./inference/tamm/tamm-sandwich.js";
export {
  TAMM_TOY_TRUTH,
  TAMM_TOY_REGION,
  drawTammTemplates,
  sampleGaussian2InRegion,
  gaussian2RegionMass,
  gaussian2LogDensityInRegion,
} from "./workflows/tamm/gaussian-tamm-toy.js";
export { sampleTammPseudoData, sampleUniformInRegion, logUniformRegionDensity } from "./workflows/tamm/tamm-samples.js";
export { oracleTammColumns } from "./workflows/tamm/tamm-oracle-columns.js";
export {
  sampleTemplateMixtureInRegion,
  type TemplateMixtureReference,
  templateMixtureLogDensity,
} from "./workflows/tamm/template-mixture-reference.js";
export {
  TAMM_SOFTMAX_DEFAULTS,
  TammSoftmaxClassifier,
  trainTammSoftmaxClassifier,
  type TrainTammSoftmaxClassifierOptions,
} from "./workflows/tamm/tamm-softmax-classifier.js";
export { geometricMeanGaussian2 } from "./workflows/tamm/geometric-mean-gaussian2.js";
export {
  trainTammTemplateClassifier,
  type TammTemplateClassifier,
  TAMM_CLASSIFIER_DEFAULTS,
  TAMM_TRAIN_DEFAULTS,
} from "./workflows/tamm/tamm-template-classifier.js";
// the w_i f_i coverage study as a campaign (docs/ensembles.md)
export { runWifiStudy } from "./workflows/ensemble-study/run-study.js";
export {
  parseWifiStudyConfig,
  WIFI_STUDY_SCALES,
  type WifiStudyConfig,
  type WifiStudyScale,
} from "./workflows/ensemble-study/study-config.js";
export { buildWifiStudyCampaign } from "./workflows/ensemble-study/study-jobs.js";
export { aggregateWifiStudyResults, type WifiStudyResults } from "./workflows/ensemble-study/study-results.js";
export { wifiStudyReport } from "./workflows/ensemble-study/study-report.js";
export { serializeLogRatioEnsemble, deserializeLogRatioEnsemble } from "./workflows/ensemble-study/ensemble-file.js";
export {
  DIJET_BOX,
  DIJET_SHAPES,
  type DijetComponent,
  dijetLogDensity,
  dijetLogDensity1d,
  dijetCdf1d,
  sampleDijet,
  sampleDijetPseudoData,
  sampleUniformInDijetBox,
  logUniformDijetBox,
  dijetOracleColumns,
} from "./workflows/tamm/dijet-toy.js";
// the TAMM coverage study as a campaign (docs/tamm.md, "nsbi study tamm")
export { runTammStudy } from "./workflows/tamm-study/run-study.js";
export {
  parseTammStudyConfig,
  TAMM_STUDY_SCALES,
  tammStudyKappa,
  type TammStudyConfig,
  type TammStudyScale,
} from "./workflows/tamm-study/study-config.js";
export { buildTammStudyCampaign, tammExperimentsKind, tammTemplateSeed } from "./workflows/tamm-study/study-jobs.js";
export { aggregateTammStudyResults, type TammStudyResults } from "./workflows/tamm-study/study-results.js";
export { tammStudyReport, tammStudySummaryLines } from "./workflows/tamm-study/study-report.js";
