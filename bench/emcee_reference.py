#!/usr/bin/python3
"""emcee 3.1.4 reference figures for the ensemble sampler, measured here (not quoted).

Run with Debian's python3 (apt-get install -y python3-emcee; a pyenv python3 first on PATH does
not see apt packages). Prints one JSON object on stdout:

  versions      emcee, numpy, python
  overhead_us   {walkers: us per walker-step}: wall time of sampler.run_mcmc on a trivial 4-D
                log-probability (-0.5 x.x, one numpy dot per call, so the figure includes emcee's
                per-call Python cost, as ours includes the JS call), median of 3 runs of
                64000 walker-steps after a warm-up
  efficiency    per target: 32 walkers, default stretch move (a = 2), start at exact draws from
                the target, `steps` steps: mean acceptance fraction and integrated tau from
                sampler.get_autocorr_time(discard=`discard`, quiet=True) (corr2: max over the
                2 dims; rot10: mean over the 10 dims), per seed, and their mean and sd over seeds

Targets: "corr2", the 2-D Gaussian with unit variances and correlation 0.95; "rot10", a 10-D
Gaussian with eigenvalues log-spaced 1..1e4 in a random rotation. The stretch move is affine
invariant, so acceptance and tau do not depend on which rotation (or which covariance) is used
when the start is drawn from the target: the numpy rotation here need not be the one in
test/samplers/fixtures/targets.ts.

Usage: emcee_reference.py [--seeds N] [--steps S] [--discard D] [--no-overhead] [--no-efficiency]
Used live by bench/sampler.ts (1 seed) and, with 3 seeds, to make
test/samplers/fixtures/emcee-reference.json for test/samplers/statistical.test.ts.
"""
import argparse
import json
import sys
import time

import emcee
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--seeds", type=int, default=1)
ap.add_argument("--steps", type=int, default=40000)
ap.add_argument("--discard", type=int, default=0)
ap.add_argument("--no-overhead", action="store_true")
ap.add_argument("--no-efficiency", action="store_true")
args = ap.parse_args()


def trivial(x):
    return -0.5 * np.dot(x, x)


def overhead_us(nwalkers):
    rng = np.random.default_rng(1)
    steps = 64000 // nwalkers
    times = []
    for rep in range(4):
        s = emcee.EnsembleSampler(nwalkers, 4, trivial)
        p0 = rng.standard_normal((nwalkers, 4))
        t0 = time.perf_counter()
        s.run_mcmc(p0, steps if rep else steps // 4)  # first run: warm-up
        if rep:
            times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e6 / (steps * nwalkers)


RHO = 0.95
P2 = np.linalg.inv(np.array([[1.0, RHO], [RHO, 1.0]]))


def corr2(x):
    return -0.5 * x @ P2 @ x


def corr2_draws(rng, n):
    z = rng.standard_normal((n, 2))
    return np.column_stack([z[:, 0], RHO * z[:, 0] + np.sqrt(1 - RHO * RHO) * z[:, 1]])


D = 10
_q, _ = np.linalg.qr(np.random.default_rng(2010).standard_normal((D, D)))
LAM = 10.0 ** (4 * np.arange(D) / (D - 1))
P10 = _q @ np.diag(1 / LAM) @ _q.T


def rot10(x):
    return -0.5 * x @ P10 @ x


def rot10_draws(rng, n):
    return (rng.standard_normal((n, D)) * np.sqrt(LAM)) @ _q.T


def efficiency(name, logp, draws, ndim, reduce):
    per = []
    for seed in range(1, args.seeds + 1):
        np.random.seed(seed)  # emcee 3.1.4 draws from numpy's global RandomState
        rng = np.random.default_rng(seed)
        s = emcee.EnsembleSampler(32, ndim, logp)
        s.run_mcmc(draws(rng, 32), args.steps)
        tau = s.get_autocorr_time(discard=args.discard, quiet=True)
        per.append({"seed": seed, "acceptance": float(np.mean(s.acceptance_fraction)), "tau": float(reduce(tau))})
    acc = np.array([p["acceptance"] for p in per])
    tau = np.array([p["tau"] for p in per])
    sd = lambda a: float(a.std(ddof=1)) if a.size > 1 else None
    return {"target": name, "nwalkers": 32, "steps": args.steps, "discard": args.discard, "tau_reduce": reduce.__name__,
            "runs": per, "acceptance_mean": float(acc.mean()), "acceptance_sd": sd(acc), "tau_mean": float(tau.mean()), "tau_sd": sd(tau)}


out = {"generator": "bench/emcee_reference.py " + " ".join(sys.argv[1:]),
       "versions": {"emcee": emcee.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}}
if not args.no_overhead:
    out["overhead_us"] = {str(w): overhead_us(w) for w in (32, 128)}
if not args.no_efficiency:
    out["efficiency"] = {"corr2": efficiency("corr2", corr2, corr2_draws, 2, np.max),
                         "rot10": efficiency("rot10", rot10, rot10_draws, D, np.mean)}
print(json.dumps(out, indent=1))
