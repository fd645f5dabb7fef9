import { expect, test } from "vitest";
import { Rng } from "../../engine/rng.js";
import { NsbiInputError } from "../../errors.js";
import { getTask, taskNames } from "./registry.js";

test("registry lists the sbibm tasks and each is consistent", () => {
  expect([...taskNames]).toEqual([
    "two_moons",
    "gaussian_linear",
    "gaussian_linear_uniform",
    "slcp",
    "gaussian_mixture",
    "sir",
    "lotka_volterra",
    "t2k-cc0pi",
    "t2k-cc0pi-alt",
  ]);
  const dims: Record<string, [number, number]> = {
    two_moons: [2, 2],
    gaussian_linear: [10, 10],
    gaussian_linear_uniform: [10, 10],
    slcp: [5, 8],
    gaussian_mixture: [2, 2],
    sir: [2, 10],
    lotka_volterra: [4, 20],
    "t2k-cc0pi": [4, 58],
    "t2k-cc0pi-alt": [4, 58],
  };
  for (const name of taskNames) {
    const task = getTask(name);
    expect(task.name).toBe(name);
    expect([task.thetaDim, task.xDim]).toEqual(dims[name]);
    expect(task.prior.dim).toBe(task.thetaDim);
    expect(task.parameterNames).toHaveLength(task.thetaDim);
    expect(task.observationNames[task.xDim - 1]).toBe(`data_${task.xDim}`);
    const theta = task.prior.sample(4, new Rng(1));
    const x = task.simulate(theta, 4, new Rng(2));
    expect(x).toBeInstanceOf(Float32Array);
    expect(x.length).toBe(4 * task.xDim);
    expect(x).toEqual(getTask(name).simulate(theta, 4, new Rng(2)));
    expect(task.simulate(theta, 0, new Rng(2)).length).toBe(0);
  }
});

test("unknown task name → NsbiInputError listing the valid names", () => {
  expect(() => getTask("two-moons")).toThrow(NsbiInputError);
  expect(() => getTask("two-moons")).toThrow(/two_moons, gaussian_linear, .*lotka_volterra/);
  expect(() => getTask("toString")).toThrow(NsbiInputError);
});
