// Library modules are imported one by one from a build folder (default the repository's dist/),
// not via dist/node.js, so the scripts keep working while the public index is being edited and
// can run against another build (`--dist`).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository's own build folder. */
export const defaultDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");

/** An importer of modules by their path inside the build folder `dist`, e.g. "engine/rng.js". */
export function distLoader(dist = defaultDist) {
  const root = path.resolve(dist);
  return (file) => import(pathToFileURL(path.join(root, file)).href);
}
