#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: the T2K tune network (embedding MLP 58-45-32-20 + 3
masked autoregressive transforms x 55 hidden units, exp-scale affine, reverse permutations) built
directly in PyTorch from the initial weights, masks, data and batch order that bench/run.mjs writes
to bench/data/. Prints one JSON line.

usage: /usr/bin/python3 bench/torch_reference.py DATA_DIR THREADS STEPS
Needs Debian's python3-torch and libopenblas0.
"""
import json, math, os, resource, sys, time
import numpy as np
import torch
import torch.nn.functional as F

data_dir, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
meta = json.load(open(os.path.join(data_dir, "meta.json")))
P, D, T = meta["thetaDim"], meta["xDim"], meta["transforms"]


def load(name, dtype=np.float32):
    return torch.from_numpy(np.fromfile(os.path.join(data_dir, name), dtype=dtype))


train_theta = load("train_theta.f32").view(-1, P)
train_x = load("train_x.f32").view(-1, D)
test_theta = load("test_theta.f32").view(-1, P)
test_x = load("test_x.f32").view(-1, D)
xo = load("xo.f32").view(1, D)
batches = load("batch_idx.i32", np.int32).view(-1, meta["batchSize"]).long()
blob = load("init.f32")
W = {}
for t in meta["tensors"]:
    v = blob[t["offset"]:t["offset"] + t["size"]].view(*t["shape"]).clone()
    W[t["name"]] = v if t["name"].endswith("_mask") else v.requires_grad_(True)
params = [v for k, v in W.items() if not k.endswith("_mask")]
perms = [torch.tensor(p) for p in meta["permutations"]]
inv_perms = [torch.argsort(p) for p in perms]


def masked(name, h):
    return F.linear(h, W[name + ".weight"] * W[name + ".weight_mask"], W[name + ".bias"])


def embed(x):
    h = F.relu(F.linear(x, W["embedding.0.weight"], W["embedding.0.bias"]))
    h = F.relu(F.linear(h, W["embedding.1.weight"], W["embedding.1.bias"]))
    return F.linear(h, W["embedding.2.weight"], W["embedding.2.bias"])


def made(t, z, context_term):
    h = F.relu(masked(f"flow.{t}.input", z) + context_term)
    h = F.relu(masked(f"flow.{t}.hidden1", h))
    p = masked(f"flow.{t}.output", h)
    return p[:, 0::2], p[:, 1::2]  # shift, log-scale per dimension (interleaved layout)


def context_term(t, c):
    return F.linear(c, W[f"flow.{t}.context.weight"], W[f"flow.{t}.context.bias"])


def log_prob(theta, x):
    c = embed(x)
    z, logdet = theta, 0.0
    for t in range(T):
        shift, u = made(t, z, context_term(t, c))
        z = z * torch.exp(u) + shift
        logdet = logdet + u.sum(1)
        if t < T - 1:
            z = z[:, perms[t]]
    return -0.5 * (z * z).sum(1) - 0.5 * P * math.log(2 * math.pi) + logdet


@torch.no_grad()
def sample(n, x):
    # the usual autoregressive inverse: one full conditioner pass per dimension (as nflows/sbi)
    c = embed(x)
    z = torch.randn(n, P)
    for t in reversed(range(T)):
        if t < T - 1:
            z = z[:, inv_perms[t]]
        ct = context_term(t, c)
        y, out = z, torch.zeros_like(z)
        for d in range(P):
            shift, u = made(t, out, ct)
            out = out.clone()
            out[:, d] = (y[:, d] - shift[:, d]) * torch.exp(-u[:, d])
        z = out
    return z


opt = torch.optim.Adam(params, lr=meta["learningRate"])
step_times, losses = [], []
for step in range(steps):
    t0 = time.perf_counter()
    idx = batches[step % batches.shape[0]]
    loss = -log_prob(train_theta[idx], train_x[idx]).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    losses.append(loss.item())
    step_times.append(time.perf_counter() - t0)


def median_time(fn, reps=3):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2], r


with torch.no_grad():
    lp_s, lp = median_time(lambda: log_prob(test_theta, test_x))
torch.manual_seed(1)
sm_s, smp = median_time(lambda: sample(100000, xo))
window = np.array(step_times[100:300] if steps >= 300 else step_times)
print(json.dumps({
    "engine": f"torch {torch.__version__} ({threads} thread{'s' if threads > 1 else ''})",
    "steps": steps,
    "step_ms_median": float(np.median(window) * 1e3),
    "steps_per_s": float(1.0 / np.median(window)),
    "train_seconds": float(sum(step_times)),
    "loss_at": {str(s): losses[s - 1] for s in meta["checkpoints"] if s <= steps},
    "test_nll": float(-lp.mean()),
    "logprob_100k_s": lp_s,
    "sample_100k_s": sm_s,
    "sample_mean": smp.mean(0).tolist(),
    "sample_std": smp.std(0).tolist(),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
