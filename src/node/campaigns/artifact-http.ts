/**
 * Artifacts over HTTP, for `nsbi worker`s on machines that do not share the coordinator's disk:
 * the coordinator serves its store's artifacts (GET, HEAD) and accepts new ones (PUT, checked
 * against their SHA-256, written atomically) at `<url>/<sha256>`, with a bearer token announced in
 * Redis (whoever can read the queue may run jobs anyway). Workers copy a job's input artifacts into
 * a local cache folder before the job and upload the artifacts of its result after it, so the job
 * itself reads and writes a folder as always.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ArtifactRef, type ArtifactStore, artifactRef, checkArtifactBytes } from "../../campaigns/artifact.js";
import { NsbiFormatError, NsbiInputError } from "../../errors.js";

/** Largest artifact accepted by PUT (bytes). */
const MAX_ARTIFACT_BYTES = 4 * 1024 ** 3;
const HEX64 = /^[0-9a-f]{64}$/;

export interface ArtifactServer {
  /** Base URL, ending in "/": an artifact is at `url + sha256`. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Serve a store's artifacts.
 * @param listen "host:port" (port 0: any free one), e.g. "0.0.0.0:8377"
 * @param publicHost the host name workers use to reach this machine (default: the listen host, or
 *   this machine's host name when listening on all interfaces)
 * @throws NsbiInputError if the address is malformed or taken
 */
export async function startArtifactServer(
  artifacts: ArtifactStore,
  listen: string,
  publicHost?: string,
): Promise<ArtifactServer> {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new NsbiInputError(`--serve-artifacts '${listen}': expected host:port, e.g. 0.0.0.0:8377`);
  const host = m[1].replace(/^\[|\]$/g, "");
  const token = randomBytes(24).toString("hex");
  const server: Server = createServer((req, res) => {
    void handle(req)
      .then(({ status, body }) => {
        res.writeHead(status, body ? { "content-type": "application/octet-stream" } : {});
        res.end(body);
      })
      .catch((e: Error) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(e.message);
      });
  });
  const expected = Buffer.from(`Bearer ${token}`);
  const authorized = (req: IncomingMessage) => {
    const got = Buffer.from(req.headers.authorization ?? "");
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  async function handle(req: IncomingMessage): Promise<{ status: number; body?: Uint8Array }> {
    if (!authorized(req)) return { status: 401 };
    const hash = /^\/artifacts\/([0-9a-f]{64})$/.exec(req.url ?? "")?.[1];
    if (!hash) return { status: 404 };
    if (req.method === "GET" || req.method === "HEAD") {
      const size = Number(req.headers["x-artifact-bytes"]);
      const ref: ArtifactRef = { $artifact: hash, bytes: size };
      if (!Number.isSafeInteger(size) || !(await artifacts.has(ref))) return { status: 404 };
      return req.method === "HEAD" ? { status: 200 } : { status: 200, body: await artifacts.get(ref) };
    }
    if (req.method === "PUT") {
      const bytes = await readBody(req);
      if (artifactRef(bytes).$artifact !== hash) return { status: 400 };
      await artifacts.put(bytes);
      return { status: 204 };
    }
    return { status: 405 };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(new NsbiInputError(`--serve-artifacts '${listen}': cannot listen (${(e as Error).message})`)),
    );
    server.listen(Number(m[2]), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = publicHost ?? (host === "0.0.0.0" || host === "::" ? (await import("node:os")).hostname() : host);
  return {
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}/artifacts/`,
    token,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_ARTIFACT_BYTES) req.destroy(new Error("artifact too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

/** A worker's side of the endpoint: copies artifacts between it and a local cache store. */
export class ArtifactClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** Make sure `cache` holds every referenced artifact (downloaded and checked if missing). */
  async fetchInto(refs: readonly ArtifactRef[], cache: ArtifactStore): Promise<void> {
    for (const ref of refs) {
      if (!HEX64.test(ref.$artifact) || (await cache.has(ref))) continue;
      const res = await this.request("GET", ref);
      if (res.status !== 200)
        throw new NsbiFormatError(`artifact ${ref.$artifact.slice(0, 12)}: ${this.url} answered ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      await cache.put(checkArtifactBytes(ref, bytes, `${ref.$artifact.slice(0, 12)} from ${this.url}`));
    }
  }

  /** Upload every referenced artifact of `cache` that the coordinator does not have yet. */
  async upload(refs: readonly ArtifactRef[], cache: ArtifactStore): Promise<void> {
    for (const ref of refs) {
      if ((await this.request("HEAD", ref)).status === 200) continue;
      const res = await this.request("PUT", ref, await cache.get(ref));
      if (res.status !== 204)
        throw new NsbiFormatError(
          `artifact ${ref.$artifact.slice(0, 12)}: upload to ${this.url} answered ${res.status}`,
        );
    }
  }

  private request(method: string, ref: ArtifactRef, body?: Uint8Array): Promise<Response> {
    return fetch(this.url + ref.$artifact, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "x-artifact-bytes": String(ref.bytes) },
      body: body as Uint8Array<ArrayBuffer> | undefined,
    });
  }
}
