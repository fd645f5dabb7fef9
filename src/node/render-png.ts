/**
 * SVG → PNG rasterisation with resvg (a native module, hence on the Node side). Text is drawn
 * with the system fonts (DejaVu Sans, the nsbi plot font, is on most Linux systems) or with font
 * files given explicitly.
 */

import { createRequire } from "node:module";
import { NsbiInputError } from "../errors.js";

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: ResvgModule | undefined;

/** Loads the native resvg module on first use, so that `import "nsbi"` works where it is missing. */
function loadResvg(): ResvgModule {
  if (!resvg) {
    try {
      resvg = createRequire(import.meta.url)("@resvg/resvg-js") as ResvgModule;
    } catch (e) {
      throw new NsbiInputError(
        `PNG output needs the native module @resvg/resvg-js, which cannot be loaded here (${(e as Error).message.split("\n")[0]}); write .svg instead`,
      );
    }
  }
  return resvg;
}

/** Options of {@link renderPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-density screens and in print at ~150 dpi). */
  scale?: number;
  /** Font files (.ttf/.otf) to load, e.g. on a system without fonts. */
  fontFiles?: string[];
  /** Folders of font files to load. */
  fontDirs?: string[];
  /** Load the system fonts (default true). */
  loadSystemFonts?: boolean;
  /** Load DejaVu Sans (regular and bold) from the `dejavu-fonts-ttf` dependency, so text renders on a system without fonts (default true). */
  bundledFonts?: boolean;
}

let bundled: string[] | undefined;

/** Paths of the DejaVu Sans files shipped by the `dejavu-fonts-ttf` package (empty if it is missing). */
function bundledFontFiles(): string[] {
  if (!bundled) {
    const req = createRequire(import.meta.url);
    bundled = [];
    for (const f of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]) {
      try {
        bundled.push(req.resolve(`dejavu-fonts-ttf/ttf/${f}`));
      } catch {
        /* not installed: system fonts only */
      }
    }
  }
  return bundled;
}

/**
 * Rasterises an SVG document (e.g. from {@link renderSvg}) to PNG bytes.
 * @param svg - the SVG document
 * @param opts - resolution and fonts
 * @returns the PNG file contents
 * @throws NsbiInputError if `svg` is not an SVG document or `scale` is not a positive number
 */
export function renderPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new NsbiInputError(`scale: expected a positive number, got ${scale}`);
  if (typeof svg !== "string" || !/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(svg)) {
    throw new NsbiInputError("svg: expected an SVG document starting with <svg");
  }
  const { Resvg } = loadResvg();
  let png: Buffer;
  try {
    png = new Resvg(svg, {
      fitTo: { mode: "zoom", value: scale },
      font: {
        loadSystemFonts: opts.loadSystemFonts ?? true,
        fontFiles: [...((opts.bundledFonts ?? true) ? bundledFontFiles() : []), ...(opts.fontFiles ?? [])],
        fontDirs: opts.fontDirs ?? [],
      },
    })
      .render()
      .asPng();
  } catch (e) {
    throw new NsbiInputError(`svg: cannot be rendered: ${(e as Error).message}`);
  }
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
