// What the CLI tests that run dist/cli/main.js as a user would share: a scratch folder removed after
// the file's tests, the CLI run asynchronously in it, and the two checks every such test makes (test
// code only: excluded from the build).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { type NodeRun, runNode } from "./run-node.js";

const CLI = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));

export interface CliHarness {
  /** the scratch folder the CLI runs in */
  dir: string;
  /** run `nsbi …args` in `dir` */
  nsbi: (...args: string[]) => Promise<NodeRun>;
  /** run it and expect exit 0 */
  ok: (...args: string[]) => Promise<NodeRun>;
  /** exit 1 with exactly one line on stderr, `nsbi: error: …` matching re, and `out` (if given) not written */
  fails: (re: RegExp, out: string | null, ...args: string[]) => Promise<void>;
}

/** A scratch folder named `prefix…` (removed after the file's tests) and the CLI runners for it. */
export function cliHarness(prefix: string, o: { timeoutMs: number }): CliHarness {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nsbi = (...args: string[]) => runNode([CLI, ...args], { cwd: dir, timeoutMs: o.timeoutMs });
  const ok = async (...args: string[]) => {
    const r = await nsbi(...args);
    expect(r.status, `nsbi ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r;
  };
  const fails = async (re: RegExp, out: string | null, ...args: string[]) => {
    const r = await nsbi(...args);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^nsbi: error: /);
    expect(lines[0]).toMatch(re);
    if (out !== null) expect(existsSync(join(dir, out))).toBe(false);
  };
  return { dir, nsbi, ok, fails };
}
