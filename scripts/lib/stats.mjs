// The summary statistics the scripts share.

export const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export const sd = (v) => {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
