import { describe, expect, test } from "vitest";
import { parseRedisUrl } from "./redis-connection.js";

describe("--redis URLs", () => {
  test("host, port, user, password (percent-decoded), database and TLS are honoured; the password is never shown", () => {
    expect(parseRedisUrl("redis://queue-host")).toEqual({
      options: { host: "queue-host", port: 6379 },
      shown: "redis://queue-host",
    });
    expect(parseRedisUrl("rediss://alice:p%40ss%2Fw@10.0.0.5:6380/2")).toEqual({
      options: {
        host: "10.0.0.5",
        port: 6380,
        username: "alice",
        password: "p@ss/w",
        db: 2,
        tls: {},
      },
      shown: "rediss://alice:***@10.0.0.5:6380/2",
    });
    // TLS with a host name: the certificate is checked against it (SNI)
    expect(parseRedisUrl("rediss://queue.example.org").options).toEqual({
      host: "queue.example.org",
      port: 6379,
      tls: { servername: "queue.example.org" },
    });
    expect(parseRedisUrl("redis://:secret@[::1]:7000").options).toEqual({
      host: "::1",
      port: 7000,
      password: "secret",
    });
  });

  test("anything else is one clear error naming the flag", () => {
    expect(() => parseRedisUrl("localhost:6379")).toThrow(
      "--redis 'localhost:6379': expected a redis:// or rediss:// (TLS) URL",
    );
    expect(() => parseRedisUrl("not a url")).toThrow(
      /^--redis 'not a url': expected a URL such as redis:\/\/host:6379/,
    );
    expect(() => parseRedisUrl("redis://h:1/x", "REDIS_URL")).toThrow(
      "REDIS_URL 'redis://h:1/x': the path must be a database number",
    );
  });
});
