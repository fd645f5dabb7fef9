import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { encodeNpy } from "../io/npy.js";
import { encodeNpz } from "../io/npz.js";
import { readMatrixFile, readNpzFile, writeFileAtomic, writeMatrixFile, writeNpzFile } from "./files.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../io/fixtures/${name}`, import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "nsbi-files-"));
});

describe("writeFileAtomic", () => {
  test("writes strings and bytes, replaces an existing file, leaves no temporary file", () => {
    const p = join(dir, "out.txt");
    writeFileAtomic(p, "first");
    writeFileAtomic(p, new Uint8Array([104, 105]));
    expect(readFileSync(p, "utf8")).toBe("hi");
    writeFileAtomic(p, "naïve ✓");
    expect(readFileSync(p, "utf8")).toBe("naïve ✓");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  test("a failed rename removes the temporary file and keeps the target", () => {
    const target = join(dir, "occupied");
    mkdirSync(target);
    writeFileSync(join(target, "keep"), "x");
    expect(() => writeFileAtomic(target, "data")).toThrow();
    expect(readdirSync(dir)).toEqual(["occupied"]);
    expect(readdirSync(target)).toEqual(["keep"]);
  });

  test("temporary files left by a killed writer of the same target are removed; a live writer's are kept", () => {
    const p = join(dir, "s.csv");
    const dead = ".s.csv.999999999.0123456789ab.tmp"; // above any pid_max: no such process
    const live = `.s.csv.${process.ppid}.0123456789ab.tmp`; // our parent is running
    const other = ".t.csv.999999999.0123456789ab.tmp"; // another target's
    for (const f of [dead, live, other]) writeFileSync(join(dir, f), "partial");
    writeFileAtomic(p, "a\n");
    expect(readdirSync(dir).sort()).toEqual([live, other, "s.csv"].sort());
  });

  test("a file-system error names the target, not the temporary file", () => {
    // a 250-character name is valid, but its temporary name is too long for the file system
    const p = join(dir, `${"n".repeat(246)}.csv`);
    let message = "";
    try {
      writeFileAtomic(p, "a\n");
    } catch (e) {
      expect(e).toBeInstanceOf(NsbiInputError);
      message = (e as Error).message;
    }
    expect(message).toBe(`cannot write '${p}': ENAMETOOLONG: name too long`);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("a missing directory is an input error", () => {
    expect(() => writeFileAtomic(join(dir, "nope", "f.txt"), "x")).toThrow(NsbiInputError);
    expect(() => writeFileAtomic(join(dir, "nope", "f.txt"), "x")).toThrow("directory");
  });
});

describe("readMatrixFile", () => {
  test("CSV with a header keeps the column names", () => {
    const p = join(dir, "ref.csv");
    writeFileSync(p, "parameter_1,parameter_2\n0.1,-0.3\n1,2\n");
    expect(readMatrixFile(p, "reference")).toEqual({
      rows: 2,
      cols: 2,
      data: new Float32Array([0.1, -0.3, 1, 2]),
      columns: ["parameter_1", "parameter_2"],
    });
    writeFileSync(p, "1 2 3\n");
    expect(readMatrixFile(p, "observation")).toEqual({ rows: 1, cols: 3, data: new Float32Array([1, 2, 3]) });
  });

  test("bzip2-compressed CSV (sbibm reference posterior style)", () => {
    const m = readMatrixFile(fixture("posterior.csv.bz2"), "reference");
    expect(m.columns).toEqual(["parameter_1", "parameter_2"]);
    expect(Array.from(m.data)).toEqual([0.1, -0.3, 1.5, 2.5, -1e-5, NaN].map(Math.fround));
  });

  test(".npy (2-D, 1-D as one row) and single-array .npz", () => {
    expect(readMatrixFile(fixture("f32_2x3.npy"), "x")).toEqual({
      rows: 2,
      cols: 3,
      data: new Float32Array([0, 1, 2, 3, 4, 5].map((i) => i / 7)),
    });
    expect(readMatrixFile(fixture("f64_3.npy"), "x")).toEqual({
      rows: 1,
      cols: 3,
      data: new Float32Array([0.1, -2.5, Infinity]),
    });
    const p = join(dir, "one.NPZ");
    writeFileSync(p, encodeNpz({ obs: { dtype: "int32", shape: [1, 2], data: new Int32Array([4, 5]) } }));
    expect(readMatrixFile(p, "observation")).toEqual({ rows: 1, cols: 2, data: new Float32Array([4, 5]) });
  });

  test("a CSV larger than the documented 256 MiB limit is refused before it is read", () => {
    const big = join(dir, "big.csv");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 300 * 2 ** 20); // sparse: no disk space used
    closeSync(fd);
    expect(() => readMatrixFile(big, "reference")).toThrow(
      `reference file '${big}' is 300 MiB, more than the limit of 256 MiB for this kind of file`,
    );
  });

  test("errors name the file and say what was expected", () => {
    expect(() => readMatrixFile(join(dir, "missing.csv"), "observation")).toThrow(
      new NsbiInputError(`observation file '${join(dir, "missing.csv")}' does not exist`),
    );
    const txt = join(dir, "x.txt");
    writeFileSync(txt, "1,2\n");
    expect(() => readMatrixFile(txt, "observation")).toThrow(
      `observation file '${txt}' has an unsupported extension; expected .csv, .csv.bz2, .npy or .npz`,
    );
    const many = join(dir, "sims.npz");
    copyFileSync(fixture("sims.npz"), many);
    expect(() => readMatrixFile(many, "data")).toThrow(
      `data file '${many}' holds 2 arrays (theta, x), expected exactly one`,
    );
    const cube = join(dir, "cube.npy");
    writeFileSync(cube, encodeNpy({ dtype: "float32", shape: [1, 1, 2], data: new Float32Array(2) }));
    expect(() => readMatrixFile(cube, "theta")).toThrow(NsbiFormatError);
    expect(() => readMatrixFile(cube, "theta")).toThrow(`${cube}: array 'theta' has shape (1, 1, 2)`);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "a,b\n1,oops\n");
    expect(() => readMatrixFile(bad, "x")).toThrow(`${bad}: line 2, column 2`);
    const d = join(dir, "folder.csv");
    mkdirSync(d);
    expect(() => readMatrixFile(d, "x")).toThrow("is not a regular file");
  });
});

describe("writeMatrixFile", () => {
  const m = { rows: 2, cols: 2, data: new Float32Array([0.1, 1 / 3, -2, 1e-8]) };

  test("CSV and NPY round trips are exact", () => {
    const csv = join(dir, "m.csv");
    writeMatrixFile(csv, m, ["a", "b"]);
    expect(readFileSync(csv, "utf8")).toBe("a,b\n0.1,0.33333334\n-2,1e-8\n");
    expect(readMatrixFile(csv, "m")).toEqual({ ...m, columns: ["a", "b"] });
    const npy = join(dir, "m.npy");
    writeMatrixFile(npy, m);
    expect(readMatrixFile(npy, "m")).toEqual(m);
  });

  test("unsupported extension", () => {
    expect(() => writeMatrixFile(join(dir, "m.json"), m)).toThrow("unsupported extension; expected .csv or .npy");
  });
});

describe("readNpzFile / writeNpzFile", () => {
  test("round trip, stored and compressed", () => {
    const arrays = {
      theta: { dtype: "float32" as const, shape: [2, 1], data: new Float32Array([1, 2]) },
      x: { dtype: "float64" as const, shape: [2], data: new Float64Array([3, 4]) },
    };
    for (const compress of [false, true]) {
      const p = join(dir, `a${compress}.npz`);
      writeNpzFile(p, arrays, { compress });
      expect(readNpzFile(p)).toEqual(new Map(Object.entries(arrays)));
    }
    expect(() => readNpzFile(join(dir, "none.npz"))).toThrow("does not exist");
  });
});
