import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { loadJobKinds, resolveKindsModule } from "./kinds-module.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

describe("kinds modules", () => {
  test("paths become file URLs against the working directory; URLs and package names are kept", () => {
    expect(resolveKindsModule("./study/kinds.js", "/home/u/run")).toBe(
      pathToFileURL("/home/u/run/study/kinds.js").href,
    );
    expect(resolveKindsModule("../kinds.js", "/home/u/run")).toBe(pathToFileURL("/home/u/kinds.js").href);
    expect(resolveKindsModule("/opt/kinds.js", "/home/u/run")).toBe(pathToFileURL("/opt/kinds.js").href);
    expect(resolveKindsModule("file:///opt/kinds.js")).toBe("file:///opt/kinds.js");
    expect(resolveKindsModule("nsbi/kinds")).toBe("nsbi/kinds");
  });

  test("a module exporting a registry-like object gives its kinds; one without kinds is refused", async () => {
    const registry = await loadJobKinds(fixture("registry-kinds.mjs"));
    expect(registry.list()).toEqual([{ kind: "double", version: 3 }]);
    expect(await registry.get("double")!.run({ x: 4 }, 0, [], null as never)).toEqual({ y: 8 });
    expect(registry.refusal("double", 2)).toMatch(/version 3 here, the job needs version 2/);
    await expect(loadJobKinds(fixture("no-kinds.mjs"))).rejects.toThrow(/exports no job kinds/);
    const missing = pathToFileURL(join(fileURLToPath(fixture("")), "nope.mjs")).href;
    await expect(loadJobKinds(missing)).rejects.toThrow(/cannot be imported/);
  });
});
