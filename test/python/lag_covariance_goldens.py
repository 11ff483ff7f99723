"""Goldens for part 4's covariance choices on the article's design.

Writes test/fixtures/ols/lag-covariance-goldens.json from Debian 12's python3-statsmodels 0.13.5:

    /usr/bin/python3 test/python/lag_covariance_goldens.py

For every layer of both synthetic models (the attention-output norms in test/fixtures/gpt2/goldens.json,
log norm of token t on those of t-1 and t-2, t = 3..T-1): the nonrobust fit's test of lag1 = lag2
(f_test and wald_test), the HC3 fit's coefficients, errors, p-values and 95% intervals, and, for layer 0,
the residuals' acf at 20 lags with alpha 0.05 (what notebook 04 draws). robust-goldens.json holds the
same design with Newey-West errors.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.stattools import acf

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "ols", "lag-covariance-goldens.json")


def lag_design(norms):
    logs = np.log(np.asarray(norms, dtype=float))
    t = np.arange(3, len(logs))
    X = pd.DataFrame({"const": np.ones(len(t)), "lag1": logs[t - 1], "lag2": logs[t - 2]})
    return logs[t], X


def floats(values):
    return [float(v) for v in np.ravel(np.asarray(values, dtype=float))]


def main():
    goldens = json.load(open(os.path.join(ROOT, "test", "fixtures", "gpt2", "goldens.json")))
    cases = []
    for model in ("tiny", "gpt2-shape"):
        for layer, norms in enumerate(goldens["models"][model]["attn_out_norms"]["hungary"]):
            y, X = lag_design(norms)
            plain = sm.OLS(y, X).fit()
            f = plain.f_test("lag1 = lag2")
            w = plain.wald_test("lag1 = lag2")
            hc3 = sm.OLS(y, X).fit(cov_type="HC3")
            case = {
                "name": f"{model}.hungary.L{layer}",
                "nobs": int(plain.nobs),
                "nonrobust": {
                    "f_test": {"fvalue": float(np.squeeze(f.fvalue)), "pvalue": float(f.pvalue), "df_num": float(f.df_num), "df_denom": float(f.df_denom)},
                    "wald_test": {"statistic": float(np.squeeze(w.statistic)), "pvalue": float(w.pvalue), "distribution": w.distribution},
                },
                "HC3": {
                    "params": floats(hc3.params), "bse": floats(hc3.bse), "tvalues": floats(hc3.tvalues),
                    "pvalues": floats(hc3.pvalues), "conf_int": np.asarray(hc3.conf_int(0.05)).tolist(),
                    "use_t": bool(hc3.use_t),
                },
            }
            if layer == 0:
                values, confint = acf(plain.resid, nlags=20, alpha=0.05)
                case["acf"] = {"nlags": 20, "alpha": 0.05, "acf": floats(values), "confint": np.asarray(confint).tolist()}
            cases.append(case)
    out = {"statsmodels": statsmodels.__version__, "numpy": np.__version__,
           "generator": "test/python/lag_covariance_goldens.py", "cases": cases}
    with open(OUT, "w") as fh:
        json.dump(out, fh)
    print(f"wrote {OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
