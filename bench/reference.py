"""The Python references the issues compare against, timed on this machine.

- numpy generating 1,000,000 users of the data contract in memory, and pandas
  writing them as CSV (issue: generator speed);
- scikit-learn's LogisticRegression (lbfgs, unpenalized, standardized
  features, tight tolerance) fitting the CSV `conversion generate` writes,
  at 100,000 and 1,000,000 rows (issue: fit speed), with the optimum it
  reaches compared to `conversion fit` on the same file, so the two are
  timed to the same answer;
- both as whole processes from a 1,000,000-row CSV to a fitted model
  (issue: hardening, item 9): `conversion fit FILE --test-fraction 0
  --output model.json` against a fresh Python that imports pandas and
  scikit-learn, reads the CSV with pandas.read_csv and fits, wall clock,
  with where `conversion fit`'s time goes (`conversion bench-fit --csv`).

Run by `cargo xtask bench` (which makes a virtualenv with numpy, pandas and
scikit-learn when the system Python lacks them):

    target/bench-venv/bin/python bench/reference.py --conversion target/release/conversion
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

NUMERIC = ["days_since_signup", "sessions_7d", "content_hours_7d", "downloads_7d", "paywall_views_7d"]
FEATURES = NUMERIC + ["tier_2", "tier_3"]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def generate_numpy(rows, seed):
    """The contract's defaults, the way the original pipeline draws them."""
    rng = np.random.default_rng(seed)
    days = rng.integers(1, 60, rows)
    sessions = rng.poisson(3.0, rows)
    hours = np.round(rng.gamma(2.0, 1.5, rows), 2)
    downloads = rng.poisson(1.0, rows)
    paywall = rng.poisson(1.2, rows)
    tier = rng.choice(np.array(["tier_1", "tier_2", "tier_3"]), rows, p=[0.35, 0.40, 0.25])
    effect = np.select([tier == "tier_1", tier == "tier_2"], [0.8, 0.3], -0.2)
    score = (0.30 * sessions + 0.50 * downloads + 0.40 * paywall + 0.25 * hours
             - 0.02 * days + effect + rng.normal(0.0, 0.8, rows))
    p = 1.0 / (1.0 + np.exp(-score))
    converted = (rng.random(rows) < p).astype(np.int64)
    return pd.DataFrame({
        "days_since_signup": days, "sessions_7d": sessions, "content_hours_7d": hours,
        "downloads_7d": downloads, "paywall_views_7d": paywall, "country_tier": tier,
        "converted": converted,
    })


def bench_generate(rows, runs):
    gen, write = [], []
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "users.csv")
        for run in range(runs):
            t = time.perf_counter()
            frame = generate_numpy(rows, 42 + run)
            gen.append(time.perf_counter() - t)
            t = time.perf_counter()
            frame.to_csv(path, index=False)
            write.append(time.perf_counter() - t)
            size = os.path.getsize(path)
    print(f"numpy {np.__version__} / pandas {pd.__version__}, {rows:,} rows, median of {runs} runs:")
    print(f"  numpy generate in memory  {median(gen) * 1e3:9.1f} ms")
    print(f"  pandas write CSV          {median(write) * 1e3:9.1f} ms  ({size:,} bytes)")


def design(frame):
    x = frame[NUMERIC].to_numpy(dtype=np.float64)
    tier = frame["country_tier"].str.lower()
    dummies = np.column_stack([(tier == "tier_2").to_numpy(), (tier == "tier_3").to_numpy()]).astype(np.float64)
    return np.hstack([x, dummies]), frame["converted"].to_numpy()


def fit_sklearn(x, y):
    scaler = StandardScaler().fit(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the `penalty` spelling changes between versions
        try:
            model = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-10, max_iter=10_000)
            model.fit(scaler.transform(x), y)
        except (ValueError, TypeError):
            model = LogisticRegression(penalty=None, solver="lbfgs", tol=1e-10, max_iter=10_000)
            model.fit(scaler.transform(x), y)
    return scaler, model


def bench_fit(conversion, sizes, runs):
    print(f"scikit-learn LogisticRegression (lbfgs, unpenalized, standardized, tol 1e-10), "
          f"median of {runs} runs, against `conversion fit --test-fraction 0` on the same CSV:")
    import sklearn
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            csv = os.path.join(tmp, f"users_{rows}.csv")
            artifact = os.path.join(tmp, f"model_{rows}.json")
            subprocess.run([conversion, "generate", "--rows", str(rows), "--seed", "42", "--output", csv], check=True)
            subprocess.run([conversion, "fit", csv, "--test-fraction", "0", "--output", artifact],
                           check=True, stdout=subprocess.DEVNULL)
            ours = json.load(open(artifact))
            x, y = design(pd.read_csv(csv))
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                scaler, model = fit_sklearn(x, y)
                times.append(time.perf_counter() - t)
            raw = model.coef_[0] / scaler.scale_
            intercept = model.intercept_[0] - float(np.sum(raw * scaler.mean_))
            p = np.clip(model.predict_proba(scaler.transform(x))[:, 1], 1e-300, 1 - 1e-16)
            loss = -np.mean(np.where(y == 1, np.log(p), np.log1p(-p)))
            std_diff = np.max(np.abs(model.coef_[0] - np.array(ours["standardizedCoefficients"])))
            raw_diff = max(np.max(np.abs(raw - np.array(ours["coefficients"]))), abs(intercept - ours["intercept"]))
            print(f"  {rows:>9,} rows  {median(times) * 1e3:8.1f} ms  {int(model.n_iter_[0])} iterations, "
                  f"log-loss {loss:.9f}; max |coefficient difference| from conversion fit: "
                  f"standardized {std_diff:.1e}, raw units {raw_diff:.1e}")
    print(f"  (scikit-learn {sklearn.__version__})")


WHOLE_SKLEARN = """
import sys, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
frame = pd.read_csv(sys.argv[1])
numeric = ["days_since_signup", "sessions_7d", "content_hours_7d", "downloads_7d", "paywall_views_7d"]
tier = frame["country_tier"].str.lower()
x = np.hstack([frame[numeric].to_numpy(dtype=np.float64),
               np.column_stack([(tier == "tier_2").to_numpy(), (tier == "tier_3").to_numpy()]).astype(np.float64)])
y = frame["converted"].to_numpy()
scaler = StandardScaler().fit(x)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        model = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-10, max_iter=10_000).fit(scaler.transform(x), y)
    except (ValueError, TypeError):
        model = LogisticRegression(penalty=None, solver="lbfgs", tol=1e-10, max_iter=10_000).fit(scaler.transform(x), y)
print(model.coef_[0][0])
"""


def bench_whole(conversion, rows, runs):
    """`conversion fit` and scikit-learn as whole processes, CSV to model."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, f"users_{rows}.csv")
        model = os.path.join(tmp, "model.json")
        subprocess.run([conversion, "generate", "--rows", str(rows), "--seed", "42", "--output", csv], check=True)
        ours_cmd = [conversion, "fit", csv, "--test-fraction", "0", "--output", model]
        theirs_cmd = [sys.executable, "-c", WHOLE_SKLEARN, csv]
        ours, theirs = [], []
        for _ in range(runs):
            for cmd, times in ((ours_cmd, ours), (theirs_cmd, theirs)):
                t = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - t)
        a, b = median(ours), median(theirs)
        print(f"whole process, CSV of {rows:,} rows to a fitted model, wall clock, median of {runs} runs "
              f"(the two interleaved):")
        print(f"  conversion fit --test-fraction 0 --output      {a * 1e3:8.1f} ms  "
              f"(read, check, fit, all metrics and bands, write the model)")
        print(f"  python: pandas.read_csv + LogisticRegression   {b * 1e3:8.1f} ms  "
              f"(interpreter and imports included, as a person runs it)")
        print(f"  conversion fit is {b / a:.1f}x faster")
        subprocess.run([conversion, "bench-fit", "--csv", csv, "--runs", str(runs)], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversion", required=True, help="path of the built `conversion` CLI")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench_generate(args.rows, args.runs)
    bench_fit(args.conversion, [100_000, 1_000_000], args.runs)
    bench_whole(args.conversion, args.rows, max(args.runs, 5))


if __name__ == "__main__":
    sys.exit(main())
