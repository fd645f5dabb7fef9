#!/usr/bin/python3
"""Compare nsbi's C2ST with scikit-learn's (sbibm's definition, `sklearn_c2st` below) on the same
data, written to /tmp/nsbi-c2st-compare/. Needs numpy and scikit-learn.

usage (from the repository root):
  npx tsc -p tsconfig.json
  /usr/bin/python3 scripts/c2st-compare.py [--seeds 5] [--quick]

Cases: N(0, I) vs N(delta, I) with |delta| = D (Mahalanobis), spread evenly over the coordinates,
so the Bayes accuracy is Phi(D/2) in every dimension; N(0, I) vs N(0, 1.5^2 I) (needs a non-linear
boundary); in 2-D also two moons with noise 0.1 vs 0.2. 1000 vs 1000 rows, dims 2 and 10; then one
10,000 vs 10,000 run in 2-D for timing. Both implementations are stochastic, so each case is run
with several seeds and the mean and standard deviation are shown.
"""
import json, math, os, subprocess, sys, time, warnings
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = "/tmp/nsbi-c2st-compare"
warnings.filterwarnings("ignore")  # ConvergenceWarning etc.


def sklearn_c2st(X, Y, seed=1, folds=5):
    """C2ST as sbibm defines it (sbibm/metrics/c2st.py): z-score both sets by X's mean and std,
    MLPClassifier relu (10 dim, 10 dim), adam, max_iter 10000, 5-fold shuffled KFold, mean accuracy."""
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.neural_network import MLPClassifier
    m, s = X.mean(0), X.std(0)
    X, Y = (X - m) / s, (Y - m) / s
    data = np.concatenate([X, Y])
    target = np.concatenate([np.zeros(len(X)), np.ones(len(Y))])
    d = X.shape[1]
    clf = MLPClassifier(activation="relu", hidden_layer_sizes=(10 * d, 10 * d), max_iter=10000, solver="adam", random_state=seed)
    cv = KFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_score(clf, data, target, cv=cv, scoring="accuracy").mean()


def phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def two_moons(n, noise, rng):
    """scikit-learn's make_moons layout: two interleaved half circles, Gaussian noise."""
    t = rng.uniform(0, math.pi, n)
    upper = rng.uniform(size=n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], 1) + noise * rng.standard_normal((n, 2))


def cases(quick):
    out = []
    for d in (2, 10):
        for D in ((0.0, 1.0) if quick else (0.0, 0.5, 1.0, 2.0)):
            out.append((f"gauss d={d} shift D={D:g}", d, ("shift", D), phi(D / 2)))
        if not quick:
            out.append((f"gauss d={d} scale 1.5", d, ("scale", 1.5), None))
    if not quick:
        out.append(("moons noise 0.1 vs 0.2", 2, ("moons", 0.2), None))
    return out


def make(kind, d, n, seed):
    rng = np.random.RandomState(seed)
    what, a = kind
    if what == "moons":
        return two_moons(n, 0.1, rng), two_moons(n, a, rng)
    X = rng.standard_normal((n, d))
    if what == "shift":
        Y = rng.standard_normal((n, d)) + a / math.sqrt(d)
    else:
        Y = a * rng.standard_normal((n, d))
    return X, Y


def write_csv(path, a):
    header = ",".join(f"x{j + 1}" for j in range(a.shape[1]))
    np.savetxt(path, a.astype(np.float32), delimiter=",", header=header, comments="", fmt="%.9g")


def run_case(name, d, kind, n, seeds, data_seed):
    X, Y = make(kind, d, n, data_seed)
    tag = name.replace(" ", "_").replace("=", "")
    ref_path, smp_path = f"{OUT}/{tag}_ref.csv", f"{OUT}/{tag}_samples.csv"
    write_csv(ref_path, X)
    write_csv(smp_path, Y)
    # both read the same float32-rounded values
    X, Y = (np.loadtxt(p, delimiter=",", skiprows=1, ndmin=2) for p in (ref_path, smp_path))
    sk, sk_s = [], []
    for s in seeds:
        t0 = time.time()
        sk.append(float(sklearn_c2st(X, Y, seed=s)))
        sk_s.append(time.time() - t0)
    res = subprocess.run(["node", os.path.join(HERE, "c2st-compare.mjs"), ref_path, smp_path, ",".join(map(str, seeds))],
                         cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"c2st-compare.mjs failed:\n{res.stderr}")
    ours = json.loads(res.stdout)
    return sk, sk_s, ours["scores"], ours["seconds"]


def fmt(v):
    return f"{np.mean(v):.3f} ± {np.std(v, ddof=1) if len(v) > 1 else 0:.3f}"


def main():
    args = sys.argv[1:]
    n_seeds = int(args[args.index("--seeds") + 1]) if "--seeds" in args else 5
    quick = "--quick" in args
    os.makedirs(OUT, exist_ok=True)
    seeds = list(range(1, n_seeds + 1))
    print(f"{'case':<28} {'Bayes':>6}  {'scikit-learn':>14}  {'nsbi':>14}  {'diff':>6}  {'s/run sk':>8}  {'s/run nsbi':>10}")
    for name, d, kind, bayes in cases(quick):
        sk, sk_s, ours, ours_s = run_case(name, d, kind, 1000, seeds, 12345 + d)
        b = f"{bayes:.3f}" if bayes is not None else "-"
        print(f"{name:<28} {b:>6}  {fmt(sk):>14}  {fmt(ours):>14}  {np.mean(ours) - np.mean(sk):+.3f}  "
              f"{np.mean(sk_s):8.2f}  {np.mean(ours_s):10.2f}", flush=True)
    name = "gauss d=2 shift D=1 10k"
    sk, sk_s, ours, ours_s = run_case(name, 2, ("shift", 1.0), 10000, [1], 999)
    print(f"{name + ' (1 seed)':<28} {phi(0.5):6.3f}  {sk[0]:14.3f}  {ours[0]:14.3f}  {ours[0] - sk[0]:+.3f}  "
          f"{sk_s[0]:8.2f}  {ours_s[0]:10.2f}", flush=True)


if __name__ == "__main__":
    main()
