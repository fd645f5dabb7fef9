import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { artifactRef } from "../../campaigns/artifact.js";
import { sha256Hex } from "../../io/sha256.js";
import { ArtifactClient, startArtifactServer } from "./artifact-http.js";
import { DiskArtifactStore } from "./disk-artifacts.js";

const root = mkdtempSync(join(tmpdir(), "nsbi-artifact-http-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const folder = (name: string) => {
  return new DiskArtifactStore(mkdtempSync(join(root, `${name}-`)));
};

describe("artifacts over HTTP", () => {
  test("a worker's cache is filled from the coordinator's store and uploads new artifacts, checked by hash", async () => {
    const store = folder("coordinator");
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const ref = await store.put(bytes);
    const server = await startArtifactServer(store, "127.0.0.1:0");
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/artifacts\/$/);
      const client = new ArtifactClient(server.url, server.token);
      const cache = folder("worker");
      await client.fetchInto([ref], cache);
      expect([...(await cache.get(ref))]).toEqual([1, 2, 3, 250]);

      const made = new Uint8Array(1000).map((_, i) => (i * 7) % 256);
      const newRef = await cache.put(made);
      expect(await store.has(newRef)).toBe(false);
      await client.upload([newRef], cache);
      expect(await store.get(newRef)).toEqual(made);

      // a missing artifact, a wrong token, bytes that do not match their name
      const missing = artifactRef(new Uint8Array([9]));
      await expect(client.fetchInto([missing], folder("w2"))).rejects.toThrow(/answered 404/);
      const intruder = new ArtifactClient(server.url, "0".repeat(48));
      await expect(intruder.fetchInto([ref], folder("w3"))).rejects.toThrow(/answered 401/);
      const forged = await fetch(server.url + sha256Hex(new Uint8Array([5])), {
        method: "PUT",
        headers: { authorization: `Bearer ${server.token}` },
        body: new Uint8Array([6]),
      });
      expect(forged.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  test("a malformed or taken address is one clear error", async () => {
    const store = folder("c2");
    await expect(startArtifactServer(store, "nowhere")).rejects.toThrow(
      "--serve-artifacts 'nowhere': expected host:port, e.g. 0.0.0.0:8377",
    );
    const a = await startArtifactServer(store, "127.0.0.1:0");
    try {
      const port = new URL(a.url).port;
      await expect(startArtifactServer(store, `127.0.0.1:${port}`)).rejects.toThrow(
        new RegExp(`--serve-artifacts '127.0.0.1:${port}': cannot listen \\(.*EADDRINUSE`),
      );
    } finally {
      await a.close();
    }
  });
});
