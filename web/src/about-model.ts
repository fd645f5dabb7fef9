/**
 * The page's "what this model is, and is not": for the T2K model what was trained on what (and
 * that the built-in forward model is not GENIE); for any other model what the page can and cannot
 * tell about it.
 */
import type { ModelInfo } from "./protocol.js";

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

export function aboutModel(info: ModelInfo): HTMLParagraphElement[] {
  if (info.isT2k)
    return [
      paragraph(
        "It is: a neural posterior estimate of four cross-section model parameters (MaCCQE, NormCCMEC, " +
          "XSecShape_CCMEC, RPA_CCQE, the parameters of the MicroBooNE tune) from the T2K ν_μ CC0π 2016 " +
          "double-differential cross section (58 bins of muon momentum and angle; Phys. Rev. D 93, 112012), " +
          "trained by `nsbi t2k tune` on simulations of nsbi's built-in forward model t2k-cc0pi, " +
          "following Tame-Narvaez et al., arXiv:2603.09778.",
      ),
      paragraph(
        "It is not: GENIE. The forward model is an approximation of the physics (a relativistic Fermi gas CCQE " +
          "cross section reweighted as GENIE's dials, two MEC shapes and a pion-absorption background), so the " +
          "posterior is the posterior of that model's parameters, not of GENIE's, and it is only as good as the " +
          "network's training (check its calibration in the tune report). The posterior predictive and χ² use the " +
          "same built-in model, without its finite-statistics noise.",
      ),
      paragraph(
        "The observation's errors are √diag of the data's total covariance (statistics, shape and flux " +
          "normalisation). The network was trained on simulations with finite-statistics noise only, not the " +
          "measurement covariance, so the posterior width reflects that noise model (see docs/t2k-workflow.md).",
      ),
    ];
  const what =
    info.method === "npe"
      ? "a neural posterior estimate (NPE)"
      : info.method === "nle"
        ? "a neural likelihood estimate (NLE), whose posterior (likelihood × the stored prior) the page samples by MCMC,"
        : "a neural ratio estimate (NRE), whose posterior (ratio × the stored prior) the page samples by MCMC,";
  return [
    paragraph(
      `It is: ${what} of ${info.thetaDim} parameters from an observation of ` +
        `${info.xDim} values, as saved by nsbi (config.json + model.safetensors).`,
    ),
    paragraph(
      "It is not checked here: the page cannot tell which simulator trained it or whether it is calibrated; " +
        "run `nsbi diagnose` on the model for that. The observation starts at the mean of its training simulations." +
        (info.method === "npe"
          ? ""
          : " The MCMC run's R̂ and bulk ESS are shown with the posterior; a warning means the chains disagree."),
    ),
  ];
}
