// SHA-256 against node:crypto (an independent implementation) and the FIPS 180-4 examples.
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { Rng } from "../engine/rng.js";
import { Sha256, sha256Hex } from "./sha256.js";

describe("sha256Hex", () => {
  test("FIPS 180-4 examples", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sha256Hex(enc("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(new Uint8Array(0))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(enc("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  test("equals node:crypto for every length 0..300 and for split updates", () => {
    const rng = new Rng(3),
      data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
    for (let n = 0; n <= data.length; n++) {
      const want = createHash("sha256").update(data.subarray(0, n)).digest("hex");
      expect(sha256Hex(data.subarray(0, n))).toBe(want);
      const cut = Math.floor(n / 3);
      expect(new Sha256().update(data.subarray(0, cut)).update(data.subarray(cut, n)).hex()).toBe(want);
    }
    const f = Float32Array.of(1, -2.5, Math.PI);
    expect(sha256Hex(f)).toBe(createHash("sha256").update(new Uint8Array(f.buffer)).digest("hex"));
  });
});
