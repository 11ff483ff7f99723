"""Goldens for lagged activations: robust covariances, WLS, tests, predictions and diagnostics.

Writes test/fixtures/ols/robust-goldens.json from Debian 12's python3-statsmodels 0.13.5:

    /usr/bin/python3 test/python/robust_goldens.py

Each case holds its input and statsmodels' answers: the fit's attributes and summary() text, t_test,
f_test and wald_test (values and summaries), compare_f_test against the fit without its last column,
get_prediction(...).summary_frame(alpha=0.1), OLSInfluence, outlier_test, het_breuschpagan, and
acf of the residuals. The article's design (log attention norm of token t on those of t-1 and t-2,
t = 3..T-1) is taken for every layer of both synthetic models from test/fixtures/gpt2/goldens.json,
with Newey-West errors at floor(4 (n/100)^(2/9)) lags; pooled texts (layers) get errors clustered by text (layer).
Formula cases add anova_lm types 1 and 2.
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.tsa.stattools import acf

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "ols", "robust-goldens.json")


def clean(value):
    """JSON-safe: arrays to lists, NaN to None, infinities to strings."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (pd.Series, pd.Index)):
        return clean(value.to_numpy())
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
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def newey_west_maxlags(n):
    return int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def fit_attributes(res):
    from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

    jb, jbpv, skew, kurtosis = jarque_bera(res.wresid)
    omni, omnipv = omni_normtest(res.wresid)
    return {
        "names": list(res.model.exog_names),
        "params": res.params, "bse": res.bse, "tvalues": res.tvalues, "pvalues": res.pvalues,
        "conf_int": np.asarray(res.conf_int(0.05)),
        "rsquared": res.rsquared, "rsquared_adj": res.rsquared_adj, "fvalue": res.fvalue, "f_pvalue": res.f_pvalue,
        "llf": res.llf, "aic": res.aic, "bic": res.bic, "ssr": res.ssr, "ess": res.ess, "centered_tss": res.centered_tss,
        "mse_resid": res.mse_resid, "scale": res.scale, "df_model": res.df_model, "df_resid": res.df_resid,
        "k_constant": res.k_constant, "omnibus": omni, "omnibus_p": omnipv, "skew": skew, "kurtosis": kurtosis,
        "jarque_bera": jb, "jarque_bera_p": jbpv, "durbin_watson": durbin_watson(res.wresid),
        "condition_number": res.condition_number, "use_t": bool(res.use_t),
        "cov_params": np.asarray(res.cov_params()), "resid": np.asarray(res.resid),
        "summary": res.summary().as_text(),
    }


def contrast_fields(test):
    out = {"summary": str(test.summary())}
    for name in ("effect", "sd", "statistic", "pvalue", "df_denom", "df_num", "fvalue"):
        value = getattr(test, name, None)
        if value is not None:
            out[name] = np.ravel(np.asarray(value, dtype=float))
    if test.effect is not None:
        out["conf_int"] = np.asarray(test.conf_int(0.05))
    return out


def extras(res, case, restricted):
    out = {}
    names = list(res.model.exog_names)
    for key, restriction in case.get("t_tests", {}).items():
        out["t_test." + key] = contrast_fields(res.t_test(restriction))
    for key, restriction in case.get("f_tests", {}).items():
        out["f_test." + key] = contrast_fields(res.f_test(restriction))
        out["wald_test." + key] = contrast_fields(res.wald_test(restriction))
        out["wald_test_chi2." + key] = contrast_fields(res.wald_test(restriction, use_f=False))
    if restricted is not None:
        out["compare_f_test"] = list(res.compare_f_test(restricted))
    X = np.asarray(res.model.exog)
    new = X[:5] * 1.1
    out["prediction_exog"] = new
    out["prediction"] = {k: np.asarray(v) for k, v in res.get_prediction(new).summary_frame(alpha=0.1).items()}
    out["prediction_fitted"] = {k: np.asarray(v) for k, v in res.get_prediction().summary_frame(alpha=0.05).items()}
    if type(res.model) is sm.OLS:
        infl = res.get_influence()
        out["influence"] = {
            "hat_matrix_diag": infl.hat_matrix_diag,
            "cooks_distance": infl.cooks_distance[0], "cooks_pvalue": infl.cooks_distance[1],
            "resid_studentized_internal": infl.resid_studentized_internal,
            "resid_studentized_external": infl.resid_studentized_external,
            "dffits": infl.dffits[0], "dffits_threshold": infl.dffits[1],
        }
        out["outlier_test"] = np.asarray(res.outlier_test())
        lm, lmp, f, fp = het_breuschpagan(res.resid, X)
        out["het_breuschpagan"] = [lm, lmp, f, fp]
    nlags = min(10, len(res.resid) - 1)
    values, confint, qstat, pvalues = acf(res.resid, nlags=nlags, alpha=0.05, qstat=True)
    out["acf"] = {"nlags": nlags, "acf": values, "confint": confint, "qstat": qstat, "pvalues": pvalues}
    return out


def array_case(name, y, X, names, cov_type="nonrobust", cov_kwds=None, weights=None, **tests):
    y = np.asarray(y, dtype=float)
    X = pd.DataFrame(np.asarray(X, dtype=float), columns=names)
    kwds = dict(cov_kwds or {})
    model = sm.WLS(y, X, weights=weights) if weights is not None else sm.OLS(y, X)
    res = model.fit(cov_type=cov_type, cov_kwds=kwds or None)
    restricted = None
    if X.shape[1] > 1:
        Xr = X.iloc[:, :-1]
        restricted = (sm.WLS(y, Xr, weights=weights) if weights is not None else sm.OLS(y, Xr)).fit()
    case = {"name": name, "input": {"y": y, "X": np.asarray(X), "names": names, "cov_type": cov_type,
                                    "cov_kwds": {k: (list(v) if isinstance(v, (list, np.ndarray)) else v) for k, v in kwds.items()},
                                    "weights": weights}, **tests}
    case.update(fit_attributes(res))
    case.update(extras(res, tests, restricted))
    return case


def lag_design(norms):
    logs = np.log(np.asarray(norms, dtype=float))
    t = np.arange(3, len(logs))
    return logs[t], np.column_stack([np.ones(len(t)), logs[t - 1], logs[t - 2]])


LAG_TESTS = {"t_tests": {"equal": "lag1 = lag2", "persistence": "lag1 + lag2 = 1"},
             "f_tests": {"joint": "lag1 = 0, lag2 = 0", "equal": "lag1 = lag2"}}


def main():
    goldens = json.load(open(os.path.join(ROOT, "test", "fixtures", "gpt2", "goldens.json")))
    cases = []
    # The article's design, every layer of both synthetic models, Newey-West errors.
    for model, text in (("tiny", "hungary"), ("gpt2-shape", "hungary")):
        for layer, norms in enumerate(goldens["models"][model]["attn_out_norms"][text]):
            y, X = lag_design(norms)
            lags = newey_west_maxlags(len(y))
            cases.append(array_case(f"{model}.{text}.L{layer}.HAC", y, X, ["const", "lag1", "lag2"], "HAC", {"maxlags": lags}, **LAG_TESTS))
    # Pooled texts of the tiny model, errors clustered by text (string groups); the layers of
    # gpt2-shape's article text pooled, errors clustered by layer.
    ys, Xs, groups = [], [], []
    for text, layers in goldens["models"]["tiny"]["attn_out_norms"].items():
        y, X = lag_design(layers[0])
        ys.append(y), Xs.append(X), groups.extend([text] * len(y))
    cases.append(array_case("tiny.pooled-texts.L0.cluster", np.concatenate(ys), np.vstack(Xs), ["const", "lag1", "lag2"], "cluster", {"groups": groups}, **LAG_TESTS))
    ys, Xs, groups = [], [], []
    for layer, norms in enumerate(goldens["models"]["gpt2-shape"]["attn_out_norms"]["hungary"]):
        y, X = lag_design(norms)
        ys.append(y), Xs.append(X), groups.extend([f"L{layer}"] * len(y))
    cases.append(array_case("gpt2-shape.hungary.pooled-layers.cluster", np.concatenate(ys), np.vstack(Xs), ["const", "lag1", "lag2"], "cluster", {"groups": groups}, **LAG_TESTS))
    rng = np.random.RandomState(20261204)
    n = 60
    X = np.column_stack([np.ones(n), rng.randn(n), rng.uniform(0, 3, n)])
    e = rng.randn(n) * (0.5 + X[:, 2])
    ar = np.zeros(n)
    for i in range(n):
        ar[i] = (0.6 * ar[i - 1] if i else 0) + rng.randn(n)[0]
    y = X @ [1.0, 2.0, -0.5] + e
    y_ar = X @ [1.0, 2.0, -0.5] + ar
    tests = {"t_tests": {"one": "x1 = 2", "two": "x1 + x2 = 1.5, const = 1"}, "f_tests": {"both": "x1 = 0, x2 = 0"}}
    names = ["const", "x1", "x2"]
    w = 1.0 / (0.5 + X[:, 2]) ** 2
    cases.append(array_case("wls", y, X, names, weights=w, **tests))
    cases.append(array_case("wls.HC1", y, X, names, "HC1", weights=w, **tests))
    cases.append(array_case("wls.HAC", y_ar, X, names, "HAC", {"maxlags": 3}, weights=w, **tests))
    cases.append(array_case("HAC.correction", y_ar, X, names, "HAC", {"maxlags": 4, "use_correction": True}, **tests))
    cases.append(array_case("HAC.uniform", y_ar, X, names, "HAC", {"maxlags": 2, "kernel": "uniform"}, **tests))
    groups = [int(g) for g in rng.randint(0, 7, n)]
    cases.append(array_case("cluster.numbers", y, X, names, "cluster", {"groups": groups}, **tests))
    cases.append(array_case("cluster.nocorrection", y, X, names, "cluster", {"groups": groups, "use_correction": False, "df_correction": False}, **tests))
    cases.append(array_case("HC3.tests", y, X, names, "HC3", **tests))
    cases.append(array_case("nonrobust.tests", y_ar, X, names, **tests))
    # The same data scaled far up and far down (statsmodels gets the coefficients).
    base = X[:, 1:]
    cases.append(array_case("scaled.1e155", y * 1e155, X * 1e155, names))
    cases.append(array_case("scaled.1e-170", y * 1e-170, X * 1e-170, names))
    # Two nearly equal columns (statsmodels' pinv keeps the small singular value: rank 4, huge coefficients).
    near = X[:, 1] + 1e-13 * rng.randn(n)
    cases.append(array_case("nearly.equal.columns", y, np.column_stack([X, near]), ["const", "x1", "x2", "x3"]))
    # Formulas: anova types 1 and 2, a WLS formula, groups by column.
    m = 80
    data = pd.DataFrame({"x": rng.randn(m), "z": rng.uniform(0, 2, m), "g": rng.choice(["a", "b", "c"], m), "w": rng.uniform(0.5, 2, m)})
    data["y"] = 1 + data.x - 0.5 * data.z + (data.g == "b") * 0.8 + data.x * (data.g == "c") + rng.randn(m)
    data["text"] = rng.choice(["t1", "t2", "t3", "t4", "t5"], m)
    formulas = []
    for formula in ("y ~ x + z + C(g)", "y ~ x * C(g) + z"):
        res = smf.ols(formula, data).fit()
        formulas.append({"name": f"anova {formula}", "formula": formula, "data": data.to_dict("records"),
                         "anova1": anova_lm(res, typ=1).reset_index().to_dict("list"),
                         "anova2": anova_lm(res, typ=2).reset_index().to_dict("list"), **fit_attributes(res)})
    small = smf.ols("y ~ x", data).fit()
    big = smf.ols("y ~ x + z + C(g)", data).fit()
    formulas.append({"name": "anova nested", "formulas": ["y ~ x", "y ~ x + z + C(g)"], "data": data.to_dict("records"),
                     "anova_models": anova_lm(small, big).reset_index().to_dict("list")})
    res = smf.wls("y ~ x + z", data, weights=data["w"]).fit()
    formulas.append({"name": "wls formula", "formula": "y ~ x + z", "weights": "w", "data": data.to_dict("records"), **fit_attributes(res)})
    res = smf.ols("y ~ x + C(g)", data).fit(cov_type="cluster", cov_kwds={"groups": data["text"]})
    formulas.append({"name": "cluster formula", "formula": "y ~ x + C(g)", "groups": "text", "data": data.to_dict("records"), **fit_attributes(res)})
    res = smf.ols("y ~ x + z", data).fit(cov_type="HAC", cov_kwds={"maxlags": 2})
    new = data.iloc[:4][["x", "z"]] * 1.5
    formulas.append({"name": "HAC formula prediction", "formula": "y ~ x + z", "maxlags": 2, "data": data.to_dict("records"),
                     "new_data": new.to_dict("records"),
                     "prediction": {k: np.asarray(v) for k, v in res.get_prediction(new).summary_frame(alpha=0.05).items()},
                     **fit_attributes(res)})
    out = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
           "generator": "test/python/robust_goldens.py", "cases": cases, "formulas": formulas}
    with open(OUT, "w") as f:
        json.dump(clean(out), f)
    print(f"wrote {OUT}: {len(cases)} array cases, {len(formulas)} formula cases")


if __name__ == "__main__":
    main()
