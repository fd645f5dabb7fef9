/**
 * The control block shared by the main thread and an NPE worker (an Int32Array over a
 * SharedArrayBuffer). Requests are numbered; the worker sleeps in Atomics.wait on REQUEST and
 * reports completion in DONE, so one batch costs two atomic hand-offs and no message passing.
 */
export const Ctrl = {
  /** Sequence number of the latest request (main → worker). */
  REQUEST: 0,
  /** Sequence number of the latest finished request (worker → main). */
  DONE: 1,
  OP: 2,
  OFFSET: 3,
  ROWS: 4,
  GRAD: 5,
  /** 1 when the last request failed (the message follows on the port). */
  FAILED: 6,
  /** 1 once the worker has built its network. */
  READY: 7,
  SIZE: 8,
} as const;

export const Op = {
  /** A message on the port carries the request (setup, inference). */
  MESSAGE: 1,
  TRAIN_BATCH: 2,
  VALIDATION_BATCH: 3,
  EXIT: 4,
} as const;

/** Messages that accompany Op.MESSAGE. Typed arrays are views of SharedArrayBuffers. */
export type WorkerMessage =
  | { type: "load"; values: Float32Array }
  | {
      type: "train-begin";
      batchRows: number;
      theta: Float32Array;
      x: Float32Array;
      params: Float32Array;
      grads: Float32Array;
      trainOrder: Int32Array;
      validationOrder: Int32Array;
      result: Float64Array;
    }
  | { type: "train-end" }
  | { type: "log-prob"; theta: Float32Array; x: Float32Array; n: number; out: Float64Array }
  | { type: "sample"; x: Float32Array; n: number; seed: number; out: Float32Array; logProb: Float64Array | null };

export interface WorkerInit {
  network: unknown;
  kernelPath: string;
  control: SharedArrayBuffer;
  /** UTF-8 text of the last failure, zero-terminated. */
  errorText: SharedArrayBuffer;
}
