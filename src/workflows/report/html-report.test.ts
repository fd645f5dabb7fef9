import { JSDOM } from "jsdom";
import { describe, expect, test } from "vitest";
import { NsbiInputError } from "../../errors.js";
import { renderHtmlReport } from "./html-report.js";

describe("renderHtmlReport", () => {
  const html = renderHtmlReport({
    title: "Diagnostics <two_moons>",
    subtitle: ["1000 tests × 1000 samples"],
    verdicts: [
      { check: "pulls", verdict: "calibrated", evidence: "width 1.02 (0.9–1.1)" },
      { check: "coverage", verdict: "over-confident", evidence: "max |EC − level| 0.12 > 0.05" },
    ],
    sections: [
      {
        title: "Pulls",
        text: ["a & b"],
        tables: [{ header: ["p", "μ"], rows: [["θ1", "0.01"]] }],
        figures: [
          { file: "pulls.svg", caption: "pull histograms" },
          { file: "sbc ranks.svg", caption: "ranks" },
        ],
      },
    ],
  });
  const doc = new JSDOM(html).window.document;

  test("the page parses and shows the title, the verdicts and every figure", () => {
    expect(doc.title).toBe("Diagnostics <two_moons>");
    const rows = [...doc.querySelectorAll("table.verdicts tbody tr")].map((r) =>
      [...r.children].map((c) => c.textContent),
    );
    expect(rows).toEqual([
      ["pulls", "calibrated", "width 1.02 (0.9–1.1)"],
      ["coverage", "over-confident", "max |EC − level| 0.12 > 0.05"],
    ]);
    expect(doc.querySelector("table.verdicts td.good")?.textContent).toBe("calibrated");
    expect(doc.querySelector("table.verdicts td.bad")?.textContent).toBe("over-confident");
    expect([...doc.querySelectorAll("img")].map((i) => i.getAttribute("src"))).toEqual([
      "pulls.svg",
      "sbc%20ranks.svg",
    ]);
  });

  test("text is escaped, never interpreted as HTML", () => {
    expect(html).toContain("a &amp; b");
    expect(doc.querySelectorAll("two_moons")).toHaveLength(0);
  });

  test("figures outside the report folder are refused", () => {
    for (const file of ["../x.svg", "/etc/x.svg", "http://x/y.svg"]) {
      expect(() =>
        renderHtmlReport({ title: "t", sections: [{ title: "s", figures: [{ file, caption: "c" }] }] }),
      ).toThrow(NsbiInputError);
    }
  });
});
