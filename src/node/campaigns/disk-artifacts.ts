import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type ArtifactRef,
  type ArtifactStore,
  artifactRef,
  checkArtifactBytes,
  isArtifactRef,
} from "../../campaigns/artifact.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";
import { writeFileAtomic } from "../files.js";

/** Artifacts as files named by their SHA-256; workers on this machine read and write them directly. */
export class DiskArtifactStore implements ArtifactStore {
  /** @param dir an existing folder */
  constructor(readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const ref = artifactRef(bytes);
    // equal bytes are stored once; a file of the wrong size (never expected) is replaced
    if (!(await this.has(ref))) writeFileAtomic(this.path(ref), bytes);
    return ref;
  }

  async get(ref: ArtifactRef): Promise<Uint8Array> {
    const path = this.path(ref);
    if (!existsSync(path)) throw new NsbiFormatError(`artifact '${path}' is missing`);
    const buf = readFileSync(path);
    return checkArtifactBytes(ref, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), `'${path}'`);
  }

  async has(ref: ArtifactRef): Promise<boolean> {
    const path = this.path(ref);
    return existsSync(path) && statSync(path).size === ref.bytes;
  }

  private path(ref: ArtifactRef): string {
    if (!isArtifactRef(ref))
      throw new NsbiInputError(`not an artifact reference: ${JSON.stringify(ref)?.slice(0, 100)}`);
    return join(this.dir, ref.$artifact);
  }
}
