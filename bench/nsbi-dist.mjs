// The built library for the benchmark scripts: the Node entry merged with the engine subpath
// (`nsbi/engine`: kernels, networks, Adam, NpeThread), from dist/ or from another build's folder
// (older builds exported everything from node.js).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

export async function loadNsbi(dist = DIST) {
  const entry = (f) => pathToFileURL(path.resolve(dist, f)).href;
  const main = await import(entry("node.js"));
  const engine = fs.existsSync(path.resolve(dist, "engine-api-node.js"))
    ? await import(entry("engine-api-node.js"))
    : {};
  return { ...main, ...engine };
}
