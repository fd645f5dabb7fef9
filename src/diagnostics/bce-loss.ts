/**
 * Binary cross-entropy on logits z with 0/1 labels y, mean over n rows, in the stable form
 * softplus(z) − y·z; d/dz = (sigmoid(z) − y)/n. `logits` and `grad` are heap offsets (column 0
 * of rows with stride ld), `labels` a plain array indexed from `offset`.
 */
export function bceValue(f: Float32Array, logits: number, ld: number, labels: Float32Array, offset: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = f[logits + i * ld], y = labels[offset + i];
    s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
  }
  return s / n;
}

export function bceGradient(f: Float32Array, logits: number, grad: number, ld: number, labels: Float32Array, offset: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const z = f[logits + i * ld];
    f[grad + i * ld] = (1 / (1 + Math.exp(-z)) - labels[offset + i]) / n;
  }
}
