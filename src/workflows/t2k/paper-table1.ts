/**
 * The paper whose T2K CC0π tune `nsbi t2k tune` reproduces, as a reader would cite it. Code:
 * https://github.com/karlaTame/SBI_parameter_tuning.
 */
export const SBI_TUNE_PAPER =
  'K. Tame-Narvaez, S. Gardiner, A. Ćiprijanović, G. Cerati, "First Estimation of Model Parameters for ' +
  'Neutrino-Induced Nucleon Knockout Using Simulation-Based Inference", arXiv:2603.09778 [hep-ph] (2026)';
/** The short form, for captions and table headings. */
export const SBI_TUNE_PAPER_SHORT = "Tame-Narvaez et al., arXiv:2603.09778";

/**
 * Table I of Tame-Narvaez et al. (GENIE v3 G18_10a_02_11a with its MicroBooNE-tune training set), quoted
 * for comparison only: these are NOT nsbi's numbers. Parameters in physical units
 * (MaCCQE [GeV], NormCCMEC, XSecShape_CCMEC, RPA_CCQE); σ as printed (asymmetric where given);
 * χ² against the T2K data, 58 bins, full covariance.
 * @see {@link SBI_TUNE_PAPER}, Table I
 */
export interface PaperTableRow {
  name: string;
  theta: [number, number, number, number] | null;
  /** Upper and lower 1σ errors (equal when the paper gives ±). */
  errUp: [number, number, number, number] | null;
  errDown: [number, number, number, number] | null;
  chi2: number;
  note: string;
}

export const PAPER_TABLE1: readonly PaperTableRow[] = [
  {
    name: "MicroBooNE Tune",
    theta: [1.1, 1.66, 1.0, 0.85],
    errUp: [0.1, 0.5, 0.0, 0.4],
    errDown: [0.1, 0.5, 1.0, 0.4],
    chi2: 115.1,
    note: "experimental errors of the MicroBooNE tune",
  },
  {
    name: "Inferred MicroBooNE Tune",
    theta: [1.09, 1.67, 0.94, 0.85],
    errUp: [0.003, 0.01, 0.01, 0.007],
    errDown: [0.003, 0.01, 0.01, 0.007],
    chi2: 113.07,
    note: "σ = posterior standard deviation",
  },
  { name: "NuWro", theta: null, errUp: null, errDown: null, chi2: 126.73, note: "NuWro 25.03.2 default" },
  {
    name: "Inferred NuWro",
    theta: [1.1, 0.7, 0.09, 0.57],
    errUp: [0.003, 0.015, 0.013, 0.007],
    errDown: [0.003, 0.015, 0.013, 0.007],
    chi2: 126.93,
    note: "σ = posterior standard deviation",
  },
  {
    name: "Inferred T2K",
    theta: [1.04, 1.85, 0.65, 1.07],
    errUp: [0.11, 0.55, 0.24, 0.27],
    errDown: [0.12, 0.24, 0.18, 0.3],
    chi2: 107.29,
    note: "errors from 1,000 covariance throws (16th/84th percentiles)",
  },
];
