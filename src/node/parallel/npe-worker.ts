// Worker thread of the NPE data parallelism: an NpeWorkerCore (its own kernels and copy of the
// network), driven by the main thread through the shared control block (protocol.ts).
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { KernelChoice } from "../../kernels/select.js";
import type { NpeNetworkConfig } from "../../estimators/npe-network.js";
import { NpeWorkerCore } from "./npe-worker-core.js";
import { Ctrl, Op, type WorkerInit, type WorkerMessage } from "./protocol.js";

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.control);
const errorText = new Uint8Array(init.errorText);

function fail(e: unknown): void {
  const bytes = new TextEncoder().encode((e as Error)?.stack ?? String(e)).subarray(0, errorText.length - 1);
  errorText.fill(0);
  errorText.set(bytes);
  ctrl[Ctrl.FAILED] = 1;
}

let core: NpeWorkerCore | null = null;
try {
  core = new NpeWorkerCore(init.network as NpeNetworkConfig, init.kernelPath as KernelChoice);
} catch (e) {
  fail(e);
  Atomics.store(ctrl, Ctrl.READY, 1);
  Atomics.notify(ctrl, Ctrl.READY);
  process.exit(1);
}

Atomics.store(ctrl, Ctrl.READY, 1);
Atomics.notify(ctrl, Ctrl.READY);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, Ctrl.REQUEST, seen);
  seen = Atomics.load(ctrl, Ctrl.REQUEST);
  const op = ctrl[Ctrl.OP];
  if (op === Op.EXIT) break;
  try {
    ctrl[Ctrl.FAILED] = 0;
    if (op === Op.MESSAGE) {
      let r: { message: unknown } | undefined;
      while (!(r = receiveMessageOnPort(parentPort!))) {
        /* the message is in flight */
      }
      core.handle(r.message as WorkerMessage);
    } else core.batch(op === Op.VALIDATION_BATCH, ctrl[Ctrl.OFFSET], ctrl[Ctrl.ROWS], ctrl[Ctrl.GRAD] === 1);
  } catch (e) {
    fail(e);
  }
  Atomics.store(ctrl, Ctrl.DONE, seen);
  Atomics.notify(ctrl, Ctrl.DONE);
}
