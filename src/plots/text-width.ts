/**
 * Text widths for layout without a canvas (Node): vega otherwise estimates every character as
 * 0.8 em wide, which overestimates real text by about a third and pushes titles and legends
 * around. These are DejaVu Sans advance widths (the plot font, also used for PNGs), in em.
 */

const NARROW = new Map<string, number>();
const set = (chars: string, w: number) => {
  for (const c of chars) NARROW.set(c, w);
};
set(" .,:;!|'", 0.318);
set("ijlIJ", 0.285);
set("ftr()[]{}/\\", 0.38);
set("sczJ-", 0.53);
set("0123456789abdeghnopquvxykLFPST_", 0.62);
set("ABCEKRVXYZ", 0.69);
set("DGHNOQU", 0.77);
set("mMW%", 0.92);
set("w", 0.82);
set("+=±−×<>~", 0.838);

/** Width in em of one character (Greek, super- and subscripts and others default to 0.62 em). */
export function charWidth(c: string): number {
  const w = NARROW.get(c);
  if (w !== undefined) return w;
  if (/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻₀₁₂₃₄₅₆₇₈₉]/.test(c)) return 0.4;
  if (/[\u0300-\u036f]/.test(c)) return 0; // combining marks
  return 0.62;
}

/** Estimated width in px of `text` at `fontSize` px (bold text is ~8 % wider). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) em += charWidth(c);
  return em * fontSize * (bold ? 1.08 : 1);
}
