import { describe, expect, test } from "vitest";
import { NsbiFormatError, NsbiInputError } from "../errors.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { expectFormatError } from "../testing/expect-error.js";

/** Builds a file by hand from a header object (or raw header text) and a data buffer. */
function build(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let text = typeof header === "string" ? header : JSON.stringify(header);
  if (pad) while (text.length % 8 !== 0) text += " ";
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);

describe("encodeSafetensors / decodeSafetensors", () => {
  const tensors = [
    { name: "w", shape: [2, 3], data: new Float32Array([1, -2, 0.5, Math.fround(0.1), NaN, -Infinity]) },
    { name: "b", shape: [3], data: new Float32Array([7, 8, 9]) },
    { name: "s", shape: [], data: new Float32Array([3.5]) },
    { name: "empty", shape: [0, 4], data: new Float32Array(0) },
  ];

  test("round trip with metadata", () => {
    const bytes = encodeSafetensors(tensors, { format: "nsbi", version: "1" });
    const { tensors: got, metadata } = decodeSafetensors(bytes, "m.safetensors");
    expect(metadata).toEqual({ format: "nsbi", version: "1" });
    expect(got.size).toBe(4);
    for (const t of tensors) expect(got.get(t.name)).toEqual({ dtype: "F32", shape: t.shape, data: t.data });
  });

  test("layout: u64 header length, space-padded JSON, tensors contiguous in name order", () => {
    const bytes = encodeSafetensors(tensors.slice(0, 2));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}}',
    );
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    expect(bytes.length).toBe(8 + n + 36);
    expect(Array.from(bytes.subarray(8 + n, 8 + n + 12))).toEqual(Array.from(f32([7, 8, 9])));
    expect(decodeSafetensors(bytes, "x").metadata).toEqual({});
  });

  test("encoding a subarray view writes only the view", () => {
    const big = new Float32Array([0, 1, 2, 3]);
    const bytes = encodeSafetensors([{ name: "v", shape: [2], data: big.subarray(1, 3) }]);
    expect(decodeSafetensors(bytes, "v").tensors.get("v")!.data).toEqual(new Float32Array([1, 2]));
  });

  test("bad input to the encoder", () => {
    expect(() => encodeSafetensors([{ name: "a", shape: [2], data: new Float32Array(3) }])).toThrow(NsbiInputError);
    const dup = { name: "a", shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([dup, dup])).toThrow("duplicated");
    expect(() => encodeSafetensors([{ ...dup, name: "__metadata__" }])).toThrow(NsbiInputError);
    expect(() => encodeSafetensors([], { a: 1 as unknown as string })).toThrow("metadata 'a' must be a string");
  });
});

describe("decodeSafetensors converts F64, F16, BF16", () => {
  test("values and dtypes", () => {
    const f64 = new Uint8Array(new Float64Array([0.1, -1e300]).buffer);
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]).buffer);
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0x3dcd]).buffer); // 1, -3, 0.10009765625
    const data = new Uint8Array(16 + 8 + 6);
    data.set(f64, 0);
    data.set(f16, 16);
    data.set(bf16, 24);
    const bytes = build(
      {
        d: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
        h: { dtype: "F16", shape: [2, 2], data_offsets: [16, 24] },
        b: { dtype: "BF16", shape: [3], data_offsets: [24, 30] },
      },
      data,
      false,
    );
    const t = decodeSafetensors(bytes, "c.safetensors").tensors;
    expect(t.get("d")).toEqual({ dtype: "F64", shape: [2], data: new Float32Array([0.1, -Infinity]) });
    expect(t.get("h")).toEqual({ dtype: "F16", shape: [2, 2], data: new Float32Array([1, -2, 2 ** -24, Infinity]) });
    expect(t.get("b")).toEqual({ dtype: "BF16", shape: [3], data: new Float32Array([1, -3, 0.10009765625]) });
    expect([...t.keys()]).toEqual(["d", "h", "b"]);
  });
});

describe("corrupt files fail with NsbiFormatError naming the source", () => {
  const good = encodeSafetensors(
    [
      { name: "a", shape: [2], data: new Float32Array([1, 2]) },
      { name: "b", shape: [1, 3], data: new Float32Array([3, 4, 5]) },
    ],
    { k: "v" },
  );

  test("every truncation; cuts inside the data say 'truncated'", () => {
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    for (let len = 0; len < good.length; len++) {
      expectFormatError(() => decodeSafetensors(good.subarray(0, len), "cut.safetensors"), "cut.safetensors");
    }
    expectFormatError(() => decodeSafetensors(good.subarray(0, 5), "cut.safetensors"), "too short");
    expectFormatError(() => decodeSafetensors(good.subarray(0, 8 + n - 1), "cut.safetensors"), "exceeds");
    expectFormatError(
      () => decodeSafetensors(good.subarray(0, good.length - 1), "cut.safetensors"),
      "truncated: tensor 'b' ends at data byte 20",
    );
    expectFormatError(() => decodeSafetensors(good.subarray(0, 8 + n + 4), "cut.safetensors"), "truncated: tensor 'a'");
  });

  test("every single-byte flip in the header is rejected or yields a consistent file", () => {
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    for (let i = 0; i < 8 + n; i++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const bad = good.slice();
        bad[i] ^= mask;
        let decoded;
        try {
          decoded = decodeSafetensors(bad, "flip.safetensors");
        } catch (e) {
          expect(e).toBeInstanceOf(NsbiFormatError);
          expect((e as Error).message).toContain("flip.safetensors");
          continue;
        }
        // A flip that keeps the header valid can only rename a tensor or change metadata.
        expect([...decoded.tensors.values()].map((t) => Array.from(t.data))).toEqual([
          [1, 2],
          [3, 4, 5],
        ]);
      }
    }
  });

  test("header length absurd, or larger than the file", () => {
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    expectFormatError(() => decodeSafetensors(huge, "h.st"), "h.st", "absurd");
    const big = good.slice();
    new DataView(big.buffer).setBigUint64(0, BigInt(good.length), true);
    expectFormatError(() => decodeSafetensors(big, "h.st"), "h.st", "exceeds");
  });

  test("header not JSON, not UTF-8, not an object, bad metadata", () => {
    expectFormatError(
      () => decodeSafetensors(build("{not json", new Uint8Array(0)), "j.st"),
      "j.st",
      "not valid UTF-8 JSON",
    );
    const badUtf8 = build("{}", new Uint8Array(0));
    badUtf8[9] = 0xff;
    expectFormatError(() => decodeSafetensors(badUtf8, "u.st"), "u.st", "not valid UTF-8 JSON");
    expectFormatError(
      () => decodeSafetensors(build("[1, 2]", new Uint8Array(0)), "o.st"),
      "header is not a JSON object",
    );
    expectFormatError(() => decodeSafetensors(build("null", new Uint8Array(0)), "o.st"), "header is not a JSON object");
    expectFormatError(
      () => decodeSafetensors(build({ __metadata__: { a: 1 } }, new Uint8Array(0)), "m.st"),
      "__metadata__ entry 'a'",
    );
    expectFormatError(
      () => decodeSafetensors(build({ __metadata__: [] }, new Uint8Array(0)), "m.st"),
      "__metadata__ is not an object",
    );
  });

  test("bad tensor entries", () => {
    const d8 = f32([1, 2]);
    const cases: [unknown, string][] = [
      [{ a: 5 }, "tensor 'a' is not an object"],
      [{ a: { shape: [2], data_offsets: [0, 8] } }, "tensor 'a' has no string dtype"],
      [{ a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, "dtype I64; nsbi reads F32, F64, F16 and BF16"],
      [{ a: { dtype: "F33", shape: [2], data_offsets: [0, 8] } }, 'unknown dtype "F33"'],
      [{ a: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, "invalid shape [-2]"],
      [{ a: { dtype: "F32", shape: "2", data_offsets: [0, 8] } }, "invalid shape"],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [0] } }, "invalid data_offsets [0]"],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, "invalid data_offsets"],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [0, 1.5] } }, "invalid data_offsets"],
      [
        { a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } },
        "shape (3,) of F32 (12 bytes) but data_offsets [0, 8] span 8",
      ],
      [{ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, "gap in the data buffer: bytes 0..4"],
      [
        {
          a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
          b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
        },
        "overlaps",
      ],
      [{ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, "4 unexpected bytes after the last tensor"],
      [{ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, "truncated: tensor 'a' ends at data byte 16"],
    ];
    for (const [header, msg] of cases)
      expectFormatError(() => decodeSafetensors(build(header, d8), "t.st"), "t.st", msg);
  });
});
