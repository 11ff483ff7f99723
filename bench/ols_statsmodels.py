"""Time statsmodels on the benchmark's data: OLS(y, X).fit() plus summary().

Usage: /usr/bin/python3 bench/ols_statsmodels.py data.f64 n k repeats
data.f64: float64 little-endian, y (n values) then X row-major (n x k).
Prints one JSON line: {"fit_summary_seconds": [...], "params": [...]}.
"""
import json
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm

warnings.simplefilter("ignore")
path, n, k, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = np.fromfile(path, dtype="<f8")
y = data[:n]
X = data[n:].reshape(n, k)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    res = sm.OLS(y, X).fit()
    text = res.summary().as_text()
    times.append(time.perf_counter() - start)
print(json.dumps({"fit_summary_seconds": times, "params": res.params.tolist()}))
