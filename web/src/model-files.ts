/**
 * Getting a model folder's two files into the page: from a file picker, a drag-and-drop (files or
 * a folder), or a URL beside the page. Checks what the worker's full parse would report less
 * clearly (a missing file, another method, a newer format version) and names the file each time.
 */
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from "../../src/inference/model-config.js";
import { MODEL_CONFIG_FILE, MODEL_WEIGHTS_FILE } from "../../src/inference/model-file.js";
import { NLE_MODEL_FORMAT, NLE_MODEL_FORMAT_VERSION } from "../../src/inference/nle-model-file.js";
import { NRE_MODEL_FORMAT, NRE_MODEL_FORMAT_VERSION } from "../../src/inference/nre-model-file.js";

/** The model formats the page loads (NPE sampled directly, NLE and NRE by MCMC) and the newest version of each. */
const FORMAT_VERSIONS: Record<string, number> = {
  [MODEL_FORMAT]: MODEL_FORMAT_VERSION,
  [NLE_MODEL_FORMAT]: NLE_MODEL_FORMAT_VERSION,
  [NRE_MODEL_FORMAT]: NRE_MODEL_FORMAT_VERSION,
};

/** The two files of a model folder, read. */
export interface ModelFileSet {
  config: string;
  weights: Uint8Array;
  /** Where they came from, for messages: the folder URL, or the dropped/picked folder's name. */
  source: string;
}

/** A model that cannot be loaded, with a message for the page. */
export class ModelLoadError extends Error {}

/**
 * Check config.json before the weights are parsed: valid JSON, an NPE, NLE or NRE model, a format
 * version this page reads.
 */
export function checkModelConfig(text: string, source: string): void {
  const file = `${source}/${MODEL_CONFIG_FILE}`;
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (cfg === null || typeof cfg !== "object")
    throw new ModelLoadError(`${file}: expected a JSON object with the fields of an nsbi model`);
  const { format, formatVersion } = cfg as { format?: unknown; formatVersion?: unknown };
  const newest = typeof format === "string" && Object.hasOwn(FORMAT_VERSIONS, format) ? FORMAT_VERSIONS[format] : null;
  if (newest === null)
    throw new ModelLoadError(
      `${file}: field 'format' is ${JSON.stringify(format)}, expected one of ` +
        Object.keys(FORMAT_VERSIONS)
          .map((f) => `'${f}'`)
          .join(", "),
    );
  if (typeof formatVersion === "number" && formatVersion > newest)
    throw new ModelLoadError(
      `${file}: format version ${formatVersion} is newer than this page reads (${newest}); ` +
        "use a newer nsbi, or save the model with this one",
    );
}

/** Pick config.json and model.safetensors out of a list of files (picked or dropped). */
export async function readModelFiles(files: readonly File[], source: string): Promise<ModelFileSet> {
  const find = (name: string) => files.find((f) => f.name === name);
  const cfg = find(MODEL_CONFIG_FILE),
    w = find(MODEL_WEIGHTS_FILE);
  const missing = [cfg ? null : MODEL_CONFIG_FILE, w ? null : MODEL_WEIGHTS_FILE].filter((m) => m !== null);
  if (missing.length > 0)
    throw new ModelLoadError(
      `model folder '${source}': ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing ` +
        `(expected ${MODEL_CONFIG_FILE} and ${MODEL_WEIGHTS_FILE}; got ${files.map((f) => f.name).join(", ") || "no files"})`,
    );
  const config = await cfg!.text();
  checkModelConfig(config, source);
  return { config, weights: new Uint8Array(await w!.arrayBuffer()), source };
}

async function fetchOk(url: URL, what: string): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new ModelLoadError(`${what} '${url.href}': could not be fetched (${(e as Error).message})`);
  }
  if (!r.ok) throw new ModelLoadError(`${what} '${url.href}': HTTP ${r.status}${r.status === 404 ? " (missing)" : ""}`);
  return r;
}

/** Fetch a model folder by URL (relative to the page); `folder` ends with or without a slash. */
export async function fetchModelFiles(folder: string, base: string): Promise<ModelFileSet> {
  const dir = new URL(folder.endsWith("/") ? folder : `${folder}/`, base);
  const source = folder.replace(/\/$/, "");
  const config = await (await fetchOk(new URL(MODEL_CONFIG_FILE, dir), MODEL_CONFIG_FILE)).text();
  checkModelConfig(config, source);
  const weights = new Uint8Array(
    await (await fetchOk(new URL(MODEL_WEIGHTS_FILE, dir), MODEL_WEIGHTS_FILE)).arrayBuffer(),
  );
  return { config, weights, source };
}

/** The files of a drop: dropped files, or the files directly inside one dropped folder. */
export async function droppedFiles(dt: DataTransfer): Promise<{ files: File[]; source: string }> {
  const entries = Array.from(dt.items ?? [])
    .map((it) => it.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  const folder = entries.find((e) => e.isDirectory) as FileSystemDirectoryEntry | undefined;
  if (!folder) return { files: Array.from(dt.files), source: "dropped files" };
  const children = await new Promise<FileSystemEntry[]>((resolve, reject) =>
    folder.createReader().readEntries(resolve, reject),
  );
  const files = await Promise.all(
    children
      .filter((c): c is FileSystemFileEntry => c.isFile)
      .map((c) => new Promise<File>((resolve, reject) => c.file(resolve, reject))),
  );
  return { files, source: folder.name };
}
