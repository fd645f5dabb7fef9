import { type Campaign, defineCampaign } from "./campaign.js";
import { CampaignState } from "./campaign-state.js";
import type { CampaignEvent, CampaignProgress, CampaignSummary, JobDispatcher, RunOptions } from "./executor.js";
import { jobEnvelope, type JobOutcome } from "./job-envelope.js";
import type { CampaignStore } from "./store.js";

/**
 * Run a campaign: the loop every executor shares. It saves the campaign in the store, takes the
 * valid stored results as done (resume; a result that fails its check is run again), sends ready
 * jobs to the dispatcher up to its capacity, stores each result as it arrives (the coordinator is
 * the only writer of results and manifest), retries failures up to `maxAttempts` and rewrites the
 * manifest as it goes. A job whose result cannot be stored (disk full) counts as a failed attempt.
 * @returns the summary with every done job's result; failed jobs are listed, not thrown
 * @throws NsbiInputError if the campaign is malformed or the dispatcher cannot run its kinds
 */
export async function runCampaign(
  input: Campaign,
  store: CampaignStore,
  dispatcher: JobDispatcher,
  options: RunOptions = {},
): Promise<CampaignSummary> {
  const campaign = defineCampaign(input);
  const clock = () => Date.now();
  const state = new CampaignState(campaign, {
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
    retryDelayMs: Math.max(0, options.retryDelayMs ?? 500),
    now: clock,
  });
  const t0 = clock();
  let finishedThisRun = 0;
  const progress = (): CampaignProgress => {
    const c = state.counts();
    const elapsedSeconds = (clock() - t0) / 1000;
    const remaining = c.pending + c.running;
    return {
      ...c,
      elapsedSeconds,
      etaSeconds: finishedThisRun > 0 ? (elapsedSeconds / finishedThisRun) * remaining : null,
    };
  };
  const emit = (event: CampaignEvent) => {
    try {
      options.onProgress?.(progress(), event);
    } catch {
      // a display callback must not break the run
    }
  };

  await store.writeCampaign(campaign);
  for (const job of campaign.jobs) {
    const stored = await store.readResult(job);
    if (stored.status === "present") state.resume(job.key, stored.record.result);
    else if (stored.status === "invalid") {
      state.note(job.key, `stored result not used: ${stored.reason}`);
      emit(withLabel({ type: "rerun", key: job.key, reason: stored.reason }, job.label));
    }
  }
  state.start();
  emit({ type: "resumed", count: state.counts().resumed });

  const manifest = new ManifestWriter(store, state, options.manifestIntervalMs ?? 1000);
  await manifest.writeNow(false);
  const plan = state.toRun();
  let stopped = false;
  if (plan.jobs > 0) {
    try {
      await dispatcher.open({ kindsModule: campaign.kindsModule, ...plan });
      stopped = await loop();
    } finally {
      await dispatcher.close();
    }
  }
  await manifest.writeNow(!stopped);
  return { name: campaign.name, stopped, ...progress(), results: state.results, failures: state.failures() };

  function loop(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const running = new Set<string>();
      let inFlight = 0,
        timer: ReturnType<typeof setTimeout> | undefined,
        ended = false;
      const end = (wasStopped: boolean) => {
        if (ended) return;
        ended = true;
        if (timer !== undefined) clearTimeout(timer);
        for (const key of running) state.abandoned(key);
        options.signal?.removeEventListener("abort", onAbort);
        resolve(wasStopped);
      };
      const onAbort = () => end(true);
      if (options.signal?.aborted) return end(true);
      options.signal?.addEventListener("abort", onAbort);

      const pump = () => {
        if (ended) return;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        for (let r = inFlight < dispatcher.capacity ? state.takeReady() : undefined; r; ) {
          inFlight++;
          void launch(r.job, r.attempt, r.inputs);
          r = inFlight < dispatcher.capacity ? state.takeReady() : undefined;
        }
        if (inFlight === 0 && state.finished) return end(false);
        const wait = state.nextRetryIn();
        if (wait !== null && inFlight < dispatcher.capacity) timer = setTimeout(pump, wait);
      };

      const launch = async (job: (typeof campaign.jobs)[number], attempt: number, inputs: unknown[]) => {
        const label = job.label;
        running.add(job.key);
        let outcome: JobOutcome;
        try {
          outcome = await dispatcher.dispatch(jobEnvelope(job, inputs, attempt), {
            started: (worker) => emit(withLabel({ type: "started", key: job.key, attempt, worker }, label)),
            progress: (fraction, note) => {
              const e: CampaignEvent = withLabel({ type: "progress", key: job.key, fraction }, label);
              if (note !== undefined) e.note = note;
              emit(e);
            },
          });
        } catch (e) {
          outcome = { status: "failed", error: `dispatch failed: ${(e as Error).message}`, seconds: 0 };
        }
        if (ended) return; // stopped meanwhile: the job stays pending
        running.delete(job.key);
        if (outcome.status === "done") {
          try {
            await store.writeResult(job, outcome.result);
            state.succeeded(job.key, outcome.result, outcome.seconds, outcome.cpuSeconds);
            finishedThisRun++;
            inFlight--;
            emit(withLabel({ type: "done", key: job.key, attempt, seconds: outcome.seconds }, label));
          } catch (e) {
            outcome = { status: "failed", error: `result not stored: ${(e as Error).message}`, seconds: 0 };
          }
        }
        if (outcome.status !== "done") {
          const verdict = state.attemptFailed(job.key, outcome.error, outcome.status === "failed");
          inFlight--;
          if (verdict === "retry")
            emit(withLabel({ type: "retry", key: job.key, attempt, error: outcome.error }, label));
          else {
            finishedThisRun++;
            emit(
              withLabel(
                { type: "failed", key: job.key, attempt, error: outcome.error, blocked: verdict.blocked },
                label,
              ),
            );
          }
        }
        manifest.touch();
        pump();
      };
      pump();
    });
  }
}

function withLabel<E extends CampaignEvent>(event: E, label: string | undefined): E {
  if (label !== undefined) (event as { label?: string }).label = label;
  return event;
}

/** Rewrites the manifest at most every `intervalMs` while the run goes; writes are serialised. */
class ManifestWriter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CampaignStore,
    private readonly state: CampaignState,
    private readonly intervalMs: number,
  ) {}

  /** Something changed: write soon. A failed intermediate write is ignored (results are the truth). */
  touch(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.write(false)).catch(() => {});
    }, wait);
  }

  /** Write now (after any write in progress); errors propagate. */
  async writeNow(finished: boolean): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    await this.write(finished);
  }

  private async write(finished: boolean): Promise<void> {
    this.last = Date.now();
    await this.store.writeManifest(this.state.manifest(finished));
  }
}
