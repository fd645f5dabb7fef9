// A throw-away redis-server for tests and benchmarks: on a free loopback port, without persistence,
// started and stopped (by its process id) by the code that uses it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** What to print when redis-server is missing (the Redis tests are skipped). */
export const REDIS_SERVER_MISSING =
  "redis-server not found: BullMQ/Redis campaign tests skipped (install it: apt-get install -y redis-server)";

/** The redis-server executable: /usr/bin/redis-server or one on PATH, or null. */
export function findRedisServer(): string | null {
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter).filter(Boolean)];
  for (const d of dirs) {
    const p = join(d, "redis-server");
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (free when asked; taken by whoever binds it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedisOptions {
  /** Require this password (`requirepass`). */
  password?: string;
  /** Port (default: a free one). */
  port?: number;
  /** Serve TLS only, with these PEM files (the URL is then rediss://); clients need not present certificates. */
  tls?: { cert: string; key: string; ca: string };
}

/** A redis-server process on 127.0.0.1 with no persistence (a restart starts empty). */
export class TestRedisServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly executable: string,
    readonly port: number,
    readonly password: string | undefined,
    readonly tls: TestRedisOptions["tls"],
  ) {}

  /** Start one and wait until it accepts connections. @throws Error if redis-server is missing or does not start */
  static async start(options: TestRedisOptions = {}): Promise<TestRedisServer> {
    const exe = findRedisServer();
    if (!exe) throw new Error(REDIS_SERVER_MISSING);
    const server = new TestRedisServer(exe, options.port ?? (await freePort()), options.password, options.tls);
    await server.launch();
    return server;
  }

  /** redis://[:password@]127.0.0.1:port (rediss:// with TLS) */
  get url(): string {
    const auth = this.password !== undefined ? `:${encodeURIComponent(this.password)}@` : "";
    return `${this.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Kill the server (SIGKILL: nothing is saved) and wait for it to exit. */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      if (c.pid !== undefined) process.kill(c.pid, "SIGKILL");
    });
  }

  /** Stop, then start again on the same port, empty. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Start again on the same port (empty) after `stop`. */
  async startAgain(): Promise<void> {
    if (this.child) return;
    await this.launch();
  }

  private launch(): Promise<void> {
    const args = this.tls
      ? ["--port", "0", "--tls-port", String(this.port), "--tls-cert-file", this.tls.cert]
      : ["--port", String(this.port)];
    if (this.tls)
      args.push("--tls-key-file", this.tls.key, "--tls-ca-cert-file", this.tls.ca, "--tls-auth-clients", "no");
    args.push("--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
    args.push("--dir", tmpdir());
    if (this.password !== undefined) args.push("--requirepass", this.password);
    const child = spawn(this.executable, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    return new Promise<void>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start in 10 s: ${text.slice(-500)}`)),
        10_000,
      );
      const fail = (e: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(e);
      };
      const onData = (b: Buffer) => {
        text += b.toString();
        if (/Ready to accept connections/.test(text)) {
          clearTimeout(timer);
          child.stdout?.removeAllListeners("data");
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", (b: Buffer) => {
        text += b.toString();
      });
      child.once("exit", (code, signal) => {
        if (this.child === child) this.child = null;
        fail(new Error(`redis-server exited (${signal ?? `code ${code}`}): ${text.slice(-500)}`));
      });
      child.once("error", (e) => fail(e));
    });
  }
}

/**
 * A private CA and a certificate for 127.0.0.1 signed by it (EC P-256, one day), made with openssl
 * in `dir`: ca.pem, server.pem, server.key. For TLS tests; clients trust ca.pem through
 * NODE_EXTRA_CA_CERTS. @returns null if openssl is not installed or fails
 */
export function makeTestCertificates(dir: string): { ca: string; cert: string; key: string } | null {
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => spawnSync("openssl", args, { stdio: "ignore", timeout: 20_000 }).status === 0;
  writeFileSync(f("san.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ok =
    run([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=nsbi test CA",
    ]) &&
    run(["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1"]) &&
    run([
      "x509",
      "-req",
      "-in",
      f("server.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f("server.pem"),
      "-days",
      "1",
      "-extfile",
      f("san.ext"),
    ]);
  return ok ? { ca: f("ca.pem"), cert: f("server.pem"), key: f("server.key") } : null;
}
