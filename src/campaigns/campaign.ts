import { z } from "zod";
import { NsbiInputError } from "../errors.js";
import { type Job, jobKey, jobName } from "./job.js";

/**
 * A named list of jobs forming a DAG (evaluation jobs depend on training jobs), and the module
 * that defines their kinds: workers import `kindsModule` to run the jobs, so a study plugs in its
 * own kinds. The module exports `jobKinds` (an array of JobKind or a JobKindRegistry).
 */
export interface Campaign {
  name: string;
  /** A file path, file: URL or package specifier that workers can import. */
  kindsModule: string;
  jobs: Job[];
}

/**
 * A campaign with its jobs checked and in dependency order (every job after the jobs it depends
 * on, otherwise in the given order). Jobs with equal keys are the same work and are kept once.
 * @throws NsbiInputError on a job whose key does not match its content, a dependency that is not
 *   in the campaign, or a cycle
 */
export function defineCampaign(campaign: Campaign): Campaign {
  if (typeof campaign.name !== "string" || campaign.name.length === 0)
    throw new NsbiInputError("a campaign needs a non-empty name");
  if (typeof campaign.kindsModule !== "string" || campaign.kindsModule.length === 0)
    throw new NsbiInputError(`campaign '${campaign.name}': kindsModule must name the module defining its job kinds`);
  const byKey = new Map<string, Job>();
  for (const job of campaign.jobs) {
    if (jobKey(job) !== job.key)
      throw new NsbiInputError(
        `campaign '${campaign.name}': job ${jobName(job)} has a key that does not match its content`,
      );
    if (!byKey.has(job.key)) byKey.set(job.key, job);
  }
  // Depth-first post-order from each job in the given order: dependencies are pulled forward,
  // everything else keeps its place (iterative, so long chains do not overflow the stack).
  const state = new Map<string, "visiting" | "placed">();
  const order: Job[] = [];
  for (const root of byKey.values()) {
    if (state.has(root.key)) continue;
    const stack: { job: Job; next: number }[] = [{ job: root, next: 0 }];
    state.set(root.key, "visiting");
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next === top.job.dependsOn.length) {
        stack.pop();
        state.set(top.job.key, "placed");
        order.push(top.job);
        continue;
      }
      const d = top.job.dependsOn[top.next++];
      const dep = byKey.get(d);
      if (!dep)
        throw new NsbiInputError(
          `campaign '${campaign.name}': job ${jobName(top.job)} depends on ${d.slice(0, 12)}, which is not in the campaign`,
        );
      const s = state.get(d);
      if (s === "visiting")
        throw new NsbiInputError(`campaign '${campaign.name}': its jobs depend on each other in a cycle`);
      if (s === undefined) {
        state.set(d, "visiting");
        stack.push({ job: dep, next: 0 });
      }
    }
  }
  return { name: campaign.name, kindsModule: campaign.kindsModule, jobs: order };
}

const HEX64 = /^[0-9a-f]{64}$/;
const campaignSchema = z.object({
  name: z.string().min(1),
  kindsModule: z.string().min(1),
  jobs: z.array(
    z.object({
      key: z.string().regex(HEX64),
      kind: z.string().min(1),
      kindVersion: z.number().int().min(1),
      config: z.unknown(),
      seed: z.number().int().min(0),
      dependsOn: z.array(z.string().regex(HEX64)),
      label: z.string().optional(),
    }),
  ),
});

/**
 * A campaign read from JSON (campaign.json in a store, a file given to the CLI), checked.
 * @param where the file name, for messages
 */
export function parseCampaign(value: unknown, where: string): Campaign {
  const r = campaignSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new NsbiInputError(`campaign '${where}': ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return defineCampaign(r.data as Campaign);
}
