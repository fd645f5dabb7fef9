import { isIP } from "node:net";
import { Redis } from "ioredis";
import { NsbiInputError } from "../../errors.js";

/**
 * Where Redis is, from a URL as given to --redis: `redis://[user:password@]host[:port][/db]`, or
 * `rediss://…` for TLS (the server's certificate is checked against Node's CAs: a private CA is
 * added with NODE_EXTRA_CA_CERTS). The password is honoured, never printed (`shown` hides it).
 */
export interface RedisTarget {
  /** Connection options for ioredis and BullMQ. */
  options: RedisEndpoint;
  /** The URL with the password replaced by `***`, for messages. */
  shown: string;
}

/** Host, port, credentials, database and TLS of a Redis server (ioredis and BullMQ options). */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** TLS (rediss://): the server name to check the certificate against (a host name; an IP address is checked as such). */
  tls?: { servername?: string };
}

/**
 * Parse a --redis URL.
 * @param what how to name it in messages (default "--redis")
 * @throws NsbiInputError if it is not a redis:// or rediss:// URL
 */
export function parseRedisUrl(url: string, what = "--redis"): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NsbiInputError(`${what} '${url}': expected a URL such as redis://host:6379 or rediss://user:pass@host`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new NsbiInputError(`${what} '${hide(u)}': expected a redis:// or rediss:// (TLS) URL`);
  const options: RedisEndpoint = { host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: 6379 };
  if (u.port) options.port = Number(u.port);
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, "");
  if (db) {
    if (!/^\d+$/.test(db)) throw new NsbiInputError(`${what} '${hide(u)}': the path must be a database number`);
    options.db = Number(db);
  }
  // SNI takes host names only (RFC 6066); Node checks an IP address against the certificate's IP entries
  if (u.protocol === "rediss:") options.tls = isIP(options.host) ? {} : { servername: options.host };
  return { options, shown: hide(u) };
}

function hide(u: URL): string {
  if (!u.password) return u.href;
  const c = new URL(u.href);
  c.password = "***";
  return c.href;
}

/** One line saying why Redis could not be used, from an ioredis error. */
export function redisProblem(target: RedisTarget, e: unknown, what = "--redis"): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  if (/WRONGPASS|invalid username-password/i.test(msg))
    return `${what} '${target.shown}': Redis refused the user name or password (${msg.split("\n")[0]})`;
  if (/NOAUTH/i.test(msg))
    return `${what} '${target.shown}': Redis needs a password: give it in the URL, redis://:password@host:port`;
  if (/without any password configured|no password is set/i.test(msg))
    return `${what} '${target.shown}': Redis has no password set, but the URL gives one`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ETIMEDOUT")
    return `${what} '${target.shown}': cannot reach Redis (${code}); is redis-server running there?`;
  return `${what} '${target.shown}': cannot use Redis (${msg.split("\n")[0]})`;
}

/**
 * Connect once, check the password with PING, and return the client (the caller closes it).
 * Fails fast instead of retrying: this is the check before anything is queued.
 * @throws NsbiInputError naming the URL: unreachable, wrong or missing password, TLS failure
 */
export async function connectRedis(target: RedisTarget, timeoutMs = 5000, what = "--redis"): Promise<Redis> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  let lastError: unknown;
  client.on("error", (e) => {
    lastError = e;
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (e) {
    client.disconnect();
    // a failed connect often reports "Connection is closed"; the socket's error says why
    const cause = lastError && /Connection is closed|Stream isn't writeable/.test((e as Error).message) ? lastError : e;
    throw new NsbiInputError(redisProblem(target, cause, what));
  }
}
