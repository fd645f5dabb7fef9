import { NsbiFormatError } from "../errors.js";
import { sha256Hex } from "../io/sha256.js";

/**
 * A reference to binary data (model weights, event sets) kept beside the results, by the SHA-256
 * of its bytes. Results hold references, never the bytes: a result stays small enough to travel
 * in a job message, and equal bytes are stored once.
 */
export interface ArtifactRef {
  $artifact: string;
  bytes: number;
}

/** Content-addressed binary storage shared by the jobs of a campaign. */
export interface ArtifactStore {
  /** Store bytes (idempotent: equal bytes give the same reference and one stored copy). */
  put(bytes: Uint8Array): Promise<ArtifactRef>;
  /** The bytes of a reference, checked against its hash. @throws NsbiFormatError if missing or altered */
  get(ref: ArtifactRef): Promise<Uint8Array>;
  /** Is it stored with the right size? (Cheap; `get` checks the bytes.) */
  has(ref: ArtifactRef): Promise<boolean>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The reference of some bytes. */
export function artifactRef(bytes: Uint8Array): ArtifactRef {
  return { $artifact: sha256Hex(bytes), bytes: bytes.length };
}

export function isArtifactRef(v: unknown): v is ArtifactRef {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.$artifact === "string" &&
    HEX64.test(o.$artifact) &&
    Number.isSafeInteger(o.bytes) &&
    (o.bytes as number) >= 0 &&
    Object.keys(o).length === 2
  );
}

/** Every artifact reference inside a JSON value (a job's result), in order of appearance, without repeats. */
export function artifactRefs(value: unknown): ArtifactRef[] {
  const seen = new Map<string, ArtifactRef>();
  const visit = (v: unknown): void => {
    if (isArtifactRef(v)) {
      if (!seen.has(v.$artifact)) seen.set(v.$artifact, v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return [...seen.values()];
}

/** Check bytes read for a reference; `where` names the storage (a file, a key) in the message. */
export function checkArtifactBytes(ref: ArtifactRef, bytes: Uint8Array, where: string): Uint8Array {
  if (bytes.length !== ref.bytes)
    throw new NsbiFormatError(`artifact ${where}: ${bytes.length} bytes, its reference says ${ref.bytes}`);
  if (sha256Hex(bytes) !== ref.$artifact)
    throw new NsbiFormatError(`artifact ${where}: its bytes do not match their SHA-256 (the file was altered)`);
  return bytes;
}
