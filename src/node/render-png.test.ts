// SVG → PNG: a valid PNG of the right size whose text is actually drawn (fonts found), a plot
// from renderSvg rasterises, and bad input is rejected.
import { createRequire } from "node:module";
import { inflateSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../errors.js";
import { binnedSpectrumPlot } from "../plots/binned-spectrum-plot.js";
import { renderSvg } from "../plots/render-svg.js";
import { textWidth } from "../plots/text-width.js";
import { renderPng } from "./render-png.js";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes an 8-bit RGBA, non-interlaced PNG (what resvg writes) into width, height and pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual(SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8,
    width = 0,
    height = 0;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = view.getUint32(off),
      type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const body = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      expect([body[8], body[9], body[12]]).toEqual([8, 6, 0]); // 8-bit RGBA, no interlace
    } else if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4,
    rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)],
      line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? rgba[y * stride + x - 4] : 0,
        b = y > 0 ? rgba[(y - 1) * stride + x] : 0,
        c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c,
        pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const pred =
        f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      rgba[y * stride + x] = (line[x] + pred) & 255;
    }
  }
  return { width, height, rgba };
}

const darkPixels = (rgba: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] < 128 && rgba[i + 3] > 128) n++;
  return n;
};

const textSvg =
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="white"/>` +
  `<text x="6" y="28" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="20">θ [GeV]</text></svg>`;

describe("renderPng", () => {
  test("draws text with the system fonts, at the requested scale", () => {
    const one = decodePng(renderPng(textSvg, { scale: 1 }));
    expect([one.width, one.height]).toEqual([120, 40]);
    expect(darkPixels(one.rgba)).toBeGreaterThan(100);
    const two = decodePng(renderPng(textSvg));
    expect([two.width, two.height]).toEqual([240, 80]);
    expect(darkPixels(two.rgba)).toBeGreaterThan(3 * darkPixels(one.rgba));
  });

  test("without fonts the text is missing; the bundled DejaVu Sans or a font file brings it back", () => {
    // proves the pixel check above can fail
    expect(
      darkPixels(decodePng(renderPng(textSvg, { scale: 1, loadSystemFonts: false, bundledFonts: false })).rgba),
    ).toBe(0);
    // the fonts of the dejavu-fonts-ttf dependency work on a machine without system fonts
    expect(darkPixels(decodePng(renderPng(textSvg, { scale: 1, loadSystemFonts: false })).rgba)).toBeGreaterThan(100);
    const dejavu = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
    expect(
      darkPixels(
        decodePng(renderPng(textSvg, { scale: 1, loadSystemFonts: false, bundledFonts: false, fontFiles: [dejavu] }))
          .rgba,
      ),
    ).toBeGreaterThan(100);
  });

  test("the layout's text widths match the text as drawn (DejaVu Sans)", async () => {
    const { Resvg } = await import("@resvg/resvg-js");
    for (const t of [
      "estimate ± 1σ [10⁻³ eV²]",
      "fit: μ = 0.15, σ = 1.10",
      "HPD region (expected coverage)",
      "Δm²₃₂ WMQ %",
    ]) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="40"><text x="0" y="30" font-family="DejaVu Sans" font-size="20">${t}</text></svg>`;
      const drawn = new Resvg(svg, {
        font: {
          loadSystemFonts: false,
          fontFiles: [createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")],
        },
      }).getBBox();
      expect(drawn, t).toBeTruthy();
      if (!drawn) continue;
      expect(Math.abs(textWidth(t, 20) / drawn.width - 1), t).toBeLessThan(0.05);
    }
  });

  test("rasterises a rendered plot", async () => {
    const svg = await renderSvg(
      binnedSpectrumPlot({
        edges: [0, 1, 2],
        data: { values: [3, 4], errors: [1, 1] },
        xTitle: "p [GeV/c]",
        yTitle: "events",
      }),
    );
    const png = decodePng(renderPng(svg, { scale: 1 }));
    const w = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(png.width).toBe(w);
    expect(darkPixels(png.rgba)).toBeGreaterThan(500);
  });

  test("rejects input that is not an SVG document or a bad scale", () => {
    expect(() => renderPng("hello")).toThrow(NsbiInputError);
    expect(() => renderPng("<html></html>")).toThrow(/svg: expected an SVG document/);
    expect(() => renderPng(textSvg, { scale: 0 })).toThrow(/scale: expected a positive number/);
    expect(() => renderPng("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")).toThrow(/svg: cannot be rendered/);
  });
});
