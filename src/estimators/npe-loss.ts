import type { Loss, TrainableGraph } from "./trainer.js";

/**
 * The NPE objective: the mean negative log-density of the true parameters under the estimated
 * posterior, −(1/n) Σ log q(theta_i | x_i) (Papamakarios & Murray 2016; Greenberg et al. 2019
 * for the single-round case). The graph's output is the per-row log q.
 */
export const npeLoss: Loss = {
  value(g: TrainableGraph, n: number): number {
    const f = g.output.heap.f32,
      p = g.output.ptr;
    let s = 0;
    for (let i = 0; i < n; i++) s -= f[p + i];
    return s / n;
  },
  seedGradient(g: TrainableGraph, n: number): void {
    g.output.heap.f32.fill(-1 / n, g.output.grad, g.output.grad + n);
  },
};
