/**
 * A plot on the page: SVG text drawn by a worker (src/svg-render.ts), parsed as an image/svg+xml
 * document (no script runs) and swapped in for the previous picture.
 */
export class PlotPanel {
  /** @param el the element the plot lives in (given role="img" and `label`) */
  constructor(
    readonly el: HTMLElement,
    label: string,
  ) {
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", label);
  }

  set label(text: string) {
    this.el.setAttribute("aria-label", text);
  }

  /** Show SVG text, replacing the previous plot. */
  show(svg: string): void {
    const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
    const root = doc.documentElement;
    if (root.nodeName !== "svg") throw new Error("the plot is not an SVG picture");
    root.setAttribute("aria-hidden", "true");
    this.el.replaceChildren(document.importNode(root, true));
  }
}
