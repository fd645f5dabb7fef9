// The CLI's error contract, in process: a user or file error is ONE line "nsbi: error: …" with
// exit code 1, even when the message quotes a multi-line excerpt of the file (found by the fuzzer:
// a corrupt config.json whose JSON parser error spans two lines); anything else is exit code 2.
import { afterEach, describe, expect, test, vi } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { runAction } from "./run-action.js";

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

async function run(error: unknown): Promise<{ stderr: string; code: number | string | undefined }> {
  let stderr = "";
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  await runAction(() => {
    throw error;
  })();
  const code = process.exitCode;
  vi.restoreAllMocks();
  return { stderr, code };
}

describe("runAction", () => {
  test("a format error whose message spans lines is printed on one line, exit 1", async () => {
    const r = await run(
      new NsbiFormatError(
        'model/config.json: not valid JSON (Unexpected token \';\', ..."variate": ;\n        "... is not valid JSON)',
      ),
    );
    expect(r.stderr).toBe(
      'nsbi: error: model/config.json: not valid JSON (Unexpected token \';\', ..."variate": ; "... is not valid JSON)\n',
    );
    expect(r.code).toBe(1);
  });

  test("input and file-system errors exit 1; anything else is an internal error, exit 2", async () => {
    expect(await run(new NsbiInputError("--x: bad"))).toEqual({ stderr: "nsbi: error: --x: bad\n", code: 1 });
    const fsError = Object.assign(new Error("EACCES: permission denied, open 'a.csv'"), {
      code: "EACCES",
      syscall: "open",
    });
    expect((await run(fsError)).stderr).toBe("nsbi: error: EACCES: permission denied, open 'a.csv'\n");
    const bug = await run(new TypeError("x is undefined"));
    expect(bug.code).toBe(2);
    expect(bug.stderr).toMatch(/^nsbi: internal error \(please report\): TypeError: x is undefined/);
  });
});
