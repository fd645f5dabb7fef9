// What the BullMQ coordinator and its workers agree on besides the queue itself: the Redis keys
// where a coordinator announces its campaign and workers announce what they can run (both kept
// alive by heartbeats, so they vanish when their owner dies), the progress payload and the mark
// of a refused job.
import type { Redis } from "ioredis";

/** BullMQ key prefix of the campaign queues, and prefix of the announcement keys. */
export const KEY_PREFIX = "nsbi";
/** Set of the queue names of running campaigns (members whose announcement expired are stale). */
export const CAMPAIGNS_SET = `${KEY_PREFIX}:campaigns`;
export const campaignKey = (queue: string) => `${KEY_PREFIX}:campaign:${queue}`;
export const workersSet = (queue: string) => `${KEY_PREFIX}:workers:${queue}`;
export const workerKey = (queue: string, worker: string) => `${KEY_PREFIX}:worker:${queue}:${worker}`;

/** Announcements are rewritten every HEARTBEAT_MS and expire after ANNOUNCEMENT_TTL_MS. */
export const HEARTBEAT_MS = 1000;
export const ANNOUNCEMENT_TTL_MS = 5000;

/** A failed BullMQ job whose reason starts with this was refused by its worker (not run; not retried). */
export const REFUSED_MARK = "nsbi refused: ";

/** What a coordinator tells the workers about its campaign (key `campaignKey(queue)`). */
export interface CampaignAnnouncement {
  queue: string;
  name: string;
  /** Import specifier of the kinds module (absolute file: URL or package name). */
  kindsModule: string;
  /** file: URL of the coordinator's nsbi build (dist/): a kinds module inside it maps to the worker's own. */
  nsbiDist: string;
  /** The campaign store folder, absolute, as the coordinator sees it (artifacts are in its artifacts/). */
  storeDir: string;
  nsbiVersion: string;
  formatVersion: number;
  kinds: { kind: string; version: number }[];
  coordinator: string;
  /** Where the coordinator serves the artifacts over HTTP (artifact-http.ts), for workers without the shared folder. */
  artifactsUrl?: string;
  artifactsToken?: string;
}

/** What a worker tells the coordinator about one campaign (key `workerKey(queue, id)`). */
export interface WorkerAnnouncement {
  id: string;
  nsbiVersion: string;
  concurrency: number;
  kinds: { kind: string; version: number }[];
  /** Why it does not take this campaign's jobs (another nsbi version, a kind missing, no store); absent if it does. */
  problem?: string;
}

/** `job.updateProgress` payload: the first one names the worker running the job. */
export interface JobProgressData {
  worker?: string;
  fraction: number;
  note?: string;
}

/** Set an announcement with its time to live and add its name to the index set. */
export async function announce(client: Redis, key: string, set: string, member: string, value: unknown) {
  await client.multi().set(key, JSON.stringify(value), "PX", ANNOUNCEMENT_TTL_MS).sadd(set, member).exec();
}

/** The live announcements of a set's members (expired members are removed from the set). */
export async function readAnnouncements<T>(client: Redis, set: string, keyOf: (m: string) => string) {
  const members = await client.smembers(set);
  if (members.length === 0) return new Map<string, T>();
  const values = await client.mget(...members.map(keyOf));
  const live = new Map<string, T>();
  const stale: string[] = [];
  members.forEach((m, i) => {
    const v = values[i];
    if (v === null) stale.push(m);
    else {
      try {
        live.set(m, JSON.parse(v) as T);
      } catch {
        stale.push(m);
      }
    }
  });
  if (stale.length) await client.srem(set, ...stale);
  return live;
}
