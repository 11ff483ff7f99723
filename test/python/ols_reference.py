"""Reference values for the differential tests: statsmodels' OLS, its formula API and numpy's histograms.

Usage: /usr/bin/python3 test/python/ols_reference.py input.json output.json
input:  {"ols": [{"y", "X", "names", "cov_type", "cov_kwds"?, "weights"?, "restriction"?}],
         "formula": [{"formula", "data", "cov_type"}],
         "histogram": [{"values", "bins"}]}
output: the same lists with statsmodels'/numpy's results (NaN -> null, +-inf -> "inf"/"-inf").
"""
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

warnings.simplefilter("ignore")


def clean(value):
    """JSON-safe: arrays to lists, NaN to None, infinities to strings."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (np.floating, float)):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def results(res):
    from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

    jb, jbpv, skew, kurtosis = jarque_bera(res.wresid)
    omni, omnipv = omni_normtest(res.wresid)
    return {
        "names": list(res.model.exog_names),
        "params": np.asarray(res.params),
        "bse": np.asarray(res.bse),
        "tvalues": np.asarray(res.tvalues),
        "pvalues": np.asarray(res.pvalues),
        "conf_int": np.asarray(res.conf_int(0.05)),
        "rsquared": res.rsquared,
        "rsquared_adj": res.rsquared_adj,
        "fvalue": res.fvalue,
        "f_pvalue": res.f_pvalue,
        "llf": res.llf,
        "aic": res.aic,
        "bic": res.bic,
        "ssr": res.ssr,
        "ess": res.ess,
        "centered_tss": res.centered_tss,
        "mse_resid": res.mse_resid,
        "scale": res.scale,
        "df_model": res.df_model,
        "df_resid": res.df_resid,
        "k_constant": res.k_constant,
        "omnibus": omni,
        "omnibus_p": omnipv,
        "skew": skew,
        "kurtosis": kurtosis,
        "jarque_bera": jb,
        "jarque_bera_p": jbpv,
        "durbin_watson": durbin_watson(res.wresid),
        "condition_number": res.condition_number,
        "eigenvalue_min": res.eigenvals[-1],
        "use_t": bool(res.use_t),
        "summary": res.summary().as_text(),
        **robust_f_recomputed(res),
    }


def robust_f_recomputed(res):
    """statsmodels' robust F with the quadratic form on the correlation scale.

    statsmodels takes pinv of the raw covariance of the tested coefficients; when the columns' scales
    differ by orders of magnitude that matrix is ill-conditioned (1e11 and more) and the F statistic
    loses digits. Same covariance, same rank, but b' C^-1 b with C = D^-1 V D^-1 keeps them.
    """
    if res.cov_type == "nonrobust" or not np.isfinite(res.fvalue):
        return {}
    keep = [i for i in range(len(res.params)) if i != res.model.data.const_idx]
    V = np.asarray(res.cov_params())[np.ix_(keep, keep)]
    b = np.asarray(res.params)[keep]
    d = np.sqrt(np.diag(V))
    C = V / np.outer(d, d)
    z = b / d
    J = np.linalg.matrix_rank(V)
    F = float(z @ np.linalg.pinv(C) @ z) / J
    from scipy import stats

    return {"fvalue_recomputed": F, "f_pvalue_recomputed": stats.f.sf(F, J, res.df_resid)}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    out = {"ols": [], "formula": [], "histogram": []}
    for case in spec.get("ols", []):
        y = np.asarray(case["y"], dtype=float)
        X = pd.DataFrame(np.asarray(case["X"], dtype=float), columns=case["names"])
        weights = case.get("weights")
        model = sm.WLS(y, X, weights=np.asarray(weights)) if weights else sm.OLS(y, X)
        res = model.fit(cov_type=case["cov_type"], cov_kwds=case.get("cov_kwds") or None)
        r = results(res)
        if case.get("restriction"):
            t = res.t_test(case["restriction"])
            f = res.f_test(case["restriction"])
            r["t_test"] = {"effect": np.ravel(t.effect), "sd": np.ravel(t.sd), "pvalue": np.ravel(t.pvalue), "summary": str(t.summary())}
            r["f_test"] = {"fvalue": float(np.ravel(f.fvalue)[0]), "pvalue": float(f.pvalue)}
        out["ols"].append(r)
    for case in spec.get("formula", []):
        data = pd.DataFrame(case["data"]).replace({None: np.nan})
        res = smf.ols(case["formula"], data).fit(cov_type=case["cov_type"])
        r = results(res)
        r["nobs"] = res.nobs
        out["formula"].append(r)
    for case in spec.get("histogram", []):
        counts, edges = np.histogram(np.asarray(case["values"], dtype=float), bins=case["bins"])
        out["histogram"].append({"counts": counts, "edges": edges})
    with open(sys.argv[2], "w") as f:
        json.dump(clean(out), f)


if __name__ == "__main__":
    main()
