import type { ModelFiles } from "../inference/model-file.js";
import type { ArtifactRef } from "./artifact.js";
import type { JobContext } from "./job-kind.js";

/** A model's two files as content-addressed artifacts (config.json and model.safetensors). */
export interface ModelArtifacts {
  config: ArtifactRef;
  weights: ArtifactRef;
}

/**
 * The models a worker has built from artifacts, the last `keep` of them: a worker runs many jobs of
 * one model (chunks, batches), and fetching and deserialising it per job would cost more than some
 * jobs. Keyed by both artifacts' content addresses plus `variant` (e.g. the kernel path).
 */
export class ModelArtifactCache<T> {
  private readonly models = new Map<string, T>();

  constructor(private readonly keep = 2) {}

  /** The cached model, or `build(files, source)` on the fetched files (source: a name for error messages). */
  async get(
    model: ModelArtifacts,
    variant: string,
    ctx: Pick<JobContext, "artifacts">,
    build: (files: ModelFiles, source: string) => T,
  ): Promise<T> {
    const id = `${model.weights.$artifact}/${model.config.$artifact}/${variant}`;
    const hit = this.models.get(id);
    if (hit !== undefined) return hit;
    const files: ModelFiles = {
      config: new TextDecoder().decode(await ctx.artifacts.get(model.config)),
      weights: await ctx.artifacts.get(model.weights),
    };
    const built = build(files, `model artifact ${id.slice(0, 12)}`);
    if (this.models.size >= this.keep) this.models.delete(this.models.keys().next().value as string);
    this.models.set(id, built);
    return built;
  }
}
