import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { CovarianceThrows, covarianceThrows } from "./covariance-throws.js";

test("throws reproduce the mean and covariance (within 5 standard errors)", () => {
  const mean = [1, -2, 0.5],
    cov = [0.04, 0.018, -0.01, 0.018, 0.09, 0.0, -0.01, 0.0, 0.25];
  const n = 40000,
    x = covarianceThrows(mean, cov, n, new Rng(11));
  const m = [0, 0, 0];
  for (let t = 0; t < n; t++) for (let i = 0; i < 3; i++) m[i] += x[t * 3 + i] / n;
  for (let i = 0; i < 3; i++) expect(Math.abs(m[i] - mean[i])).toBeLessThan(5 * Math.sqrt(cov[i * 4] / n));
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let c = 0;
      for (let t = 0; t < n; t++) c += (x[t * 3 + i] - m[i]) * (x[t * 3 + j] - m[j]);
      c /= n - 1;
      const se = Math.sqrt((cov[i * 3 + i] * cov[j * 3 + j] + cov[i * 3 + j] ** 2) / n);
      expect(Math.abs(c - cov[i * 3 + j])).toBeLessThan(5 * se);
    }
});

test("seeded: the same seed gives the same throws", () => {
  const s = new CovarianceThrows([0, 0], [1, 0.5, 0.5, 1]);
  expect(Array.from(s.sample(5, new Rng(3)))).toEqual(Array.from(s.sample(5, new Rng(3))));
});

test("a covariance that is not positive definite is an NsbiInputError naming it and the failing pivot", () => {
  const singular = [1, 1, 1, 1]; // rank 1: pivot 1 is 0
  expect(() => new CovarianceThrows([0, 0], singular, "T2K total covariance")).toThrow(NsbiInputError);
  expect(() => new CovarianceThrows([0, 0], singular, "T2K total covariance")).toThrow(
    /T2K total covariance.*not positive definite; pivot 1 \(0-based row\) is 0/,
  );
  expect(() => new CovarianceThrows([0, 0], [1, 0, 0], "c")).toThrow(/expected n × n = 4 values, got 3/);
});
