import { NsbiInputError } from "../../errors.js";
import type { MixtureSimulator } from "./mixture-simulator.js";

/** What a trained mixture model remembers of the simulator it was trained on (stored in its model file). */
export interface TrainedOn {
  /** the simulator's name */
  name: string;
  xDim: number;
  /** the nuisance range z was drawn from in training (outside it the networks extrapolate) */
  zRange: [number, number];
  /** the reference set's nuisance (used by LRE; recorded for DLE too) */
  z0: number;
  /** simulated training events: signal + background (LRE: without the reference set) */
  trainingEvents: number;
  /** LRE: events in the reference set at z0 (DLE: 0) */
  referenceEvents: number;
  /** the seed the whole model was trained from */
  seed: number;
}

export function trainedOnOf(
  sim: MixtureSimulator,
  a: { trainingEvents: number; referenceEvents: number; seed: number },
): TrainedOn {
  return { name: sim.name, xDim: sim.xDim, zRange: [sim.zRange[0], sim.zRange[1]], z0: sim.z0, ...a };
}

/**
 * The events and nuisance passed to a model's evaluate: a Float64Array of nEvents × xDim finite values
 * and a finite z. `where` names the model in the message.
 */
export function checkModelEvents(events: Float64Array, nEvents: number, z: number, xDim: number, where: string): void {
  if (!Number.isInteger(nEvents) || nEvents < 0)
    throw new NsbiInputError(`${where}: nEvents must be a non-negative integer, got ${nEvents}`);
  if (!(events instanceof Float64Array) || events.length !== nEvents * xDim)
    throw new NsbiInputError(
      `${where}: events must be a Float64Array of nEvents × ${xDim} = ${nEvents * xDim} values, got ${events?.length}`,
    );
  const bad = events.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new NsbiInputError(
      `${where}: event ${Math.floor(bad / xDim)} holds ${events[bad]} (column ${bad % xDim}); events must be finite`,
    );
  if (!Number.isFinite(z)) throw new NsbiInputError(`${where}: z must be finite, got ${z}`);
}
