import { spawn } from "node:child_process";

/** What a finished child process left: its exit status (null if killed) and its output. */
export interface NodeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` and resolves when it exits. Asynchronous on purpose: a test that waits in
 * spawnSync blocks its vitest worker's event loop, and past 60 s (a long CLI run on a busy machine)
 * vitest reports its own RPC calls as timed out and fails the whole run.
 */
export function runNode(args: readonly string[], o: { cwd: string; timeoutMs: number }): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
