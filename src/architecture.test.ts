// The house rules (docs/engine.md, "Floors"), checked on the import graph of src/ (tests excluded):
// imports only go down the floors, never in a circle, and the browser-safe part uses no node:*.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));
const FLOORS: Record<string, number> = {
  "errors.ts": 0,
  "logging.ts": 0,
  "version.ts": 0,
  io: 0,
  kernels: 1,
  numerics: 1,
  engine: 2,
  testing: 2,
  flows: 3,
  estimators: 4,
  inference: 5,
  diagnostics: 6,
  plots: 6,
  workflows: 7,
  campaigns: 7,
  node: 8,
  cli: 9,
  // the package entries: "." (index.ts, node.ts), "./engine" (engine-api.ts, engine-api-node.ts), "./cluster"
  "node.ts": 10,
  "index.ts": 10,
  "engine-api.ts": 10,
  "engine-api-node.ts": 10,
  "cluster.ts": 10,
};
/** Files that may use node:* (the Node side). */
const NODE_SIDE = (f: string) =>
  f.startsWith("node/") ||
  f.startsWith("cli/") ||
  f === "node.ts" ||
  f === "engine-api-node.ts" ||
  f === "cluster.ts" ||
  f === "workflows/tasks/sbibm-reference.ts";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return e === "generated" ? [] : files(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [relative(src, p)] : [];
  });
}
const all = files(src);
const floor = (f: string) => FLOORS[f.split("/")[0]];
const imports = new Map(
  all.map((f) => {
    const text = readFileSync(join(src, f), "utf8");
    const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
    return [f, specs];
  }),
);

test("every source file belongs to a floor", () => {
  expect(all.filter((f) => floor(f) === undefined)).toEqual([]);
  // the parser sees the imports (a broken regex would make the other checks vacuous)
  expect([...imports.values()].reduce((n, s) => n + s.length, 0)).toBeGreaterThan(150);
});

test("imports only go to the same or a lower floor", () => {
  const bad: string[] = [];
  for (const [f, specs] of imports)
    for (const s of specs) {
      if (!s.startsWith(".")) continue;
      const target = relative(src, resolve(src, dirname(f), s)).replace(/\.js$/, ".ts");
      if (floor(target) > floor(f)) bad.push(`${f} -> ${target}`);
    }
  expect(bad).toEqual([]);
});

test("the browser-safe core imports no node:* module and nothing from the Node side", () => {
  const bad: string[] = [];
  for (const [f, specs] of imports) {
    if (NODE_SIDE(f)) continue;
    for (const s of specs) {
      const target = s.startsWith(".") ? relative(src, resolve(src, dirname(f), s)).replace(/\.js$/, ".ts") : "";
      if (
        s.startsWith("node:") ||
        ["fs", "path", "os", "worker_threads", "child_process"].includes(s) ||
        (target && NODE_SIDE(target))
      )
        bad.push(`${f} -> ${s}`);
    }
  }
  expect(bad).toEqual([]);
});

test("only tests import src/testing/ (it imports vitest and is excluded from the build, tsconfig.json)", () => {
  const bad: string[] = [];
  for (const [f, specs] of imports) {
    if (f.startsWith("testing/")) continue;
    for (const s of specs)
      if (s.startsWith(".") && relative(src, resolve(src, dirname(f), s)).startsWith("testing/"))
        bad.push(`${f} -> ${s}`);
  }
  expect(bad).toEqual([]);
  expect(JSON.parse(readFileSync(join(src, "..", "tsconfig.json"), "utf8")).exclude).toContain("src/testing/**");
});

test("there are no import cycles", () => {
  const graph = new Map(
    [...imports].map(([f, specs]) => [
      f,
      specs
        .filter((s) => s.startsWith("."))
        .map((s) => relative(src, resolve(src, dirname(f), s)).replace(/\.js$/, ".ts")),
    ]),
  );
  const state = new Map<string, number>(),
    cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 2) return;
    if (state.get(f) === 1) {
      cycles.push([...path.slice(path.indexOf(f)), f].join(" -> "));
      return;
    }
    state.set(f, 1);
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 2);
  };
  for (const f of graph.keys()) visit(f, []);
  expect(cycles).toEqual([]);
});
