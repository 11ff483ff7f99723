"""Goldens for the corpus regressions: a small synthetic corpus table and what statsmodels fits on it.

Writes test/fixtures/corpus/corpus-goldens.json from Debian 12's python3-statsmodels 0.13.5:

    /usr/bin/python3 test/python/corpus_goldens.py

The corpus: eight texts of 5 to 26 tokens, 4 layers, a window of 16 tokens with an overlap of 4, so
the 26-token text has two chunks and the first 4 positions of its second chunk are context only
(has_context 0, with values unlike the same tokens' in the first chunk). Log norms follow an AR(2)
per layer with a text effect; position 0 of each chunk is an outlier, as GPT-2's first token is.

The design, written here from its definition and not from the TypeScript: a position is usable when
has_context is 1 and the position is at least 1; a row is (layer, t) with t, t-1 and t-2 usable in the
same text, chunk and layer; log_norm(t) on const, log_norm(t-1), log_norm(t-2).

statsmodels then fits, per layer, the pooled rows with errors clustered by text (use_t False, its
default, and True), the same on log(norm_without_bias), every text's own OLS where it has at least 4
rows, and the stacked model log_norm ~ C(layer) + C(layer):lag1 + C(layer):lag2 - 1 clustered by
text with wald_test that lag1's coefficient is the same in every layer.
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

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "corpus", "corpus-goldens.json")

LAYERS = 4
WINDOW = 16
OVERLAP = 4
TEXTS = [("alpha", 16), ("beta", 26), ("gamma", 5), ("delta", 11), ("epsilon", 14), ("zeta", 9), ("eta", 13), ("theta", 7)]
PHI1 = [0.45, 0.2, -0.15, 0.3]
PHI2 = [0.1, -0.2, 0.25, 0.0]


def clean(value):
    """JSON-safe: arrays to lists, NaN to None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        return clean(np.asarray(value).tolist())
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) else value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def chunk_starts(n):
    starts = [0]
    while starts[-1] + WINDOW < n:
        starts.append(starts[-1] + WINDOW - OVERLAP)
    return starts


def corpus_table(rng):
    rows = []
    for text_id, n in TEXTS:
        ids = rng.randint(0, 50257, n)
        effect = rng.normal(0, 0.3)
        series = []
        for layer in range(LAYERS):
            x = np.zeros(n)
            for t in range(n):
                x[t] = 1.0 + effect + rng.normal(0, 0.25)
                if t >= 1:
                    x[t] += PHI1[layer] * (x[t - 1] - 1.0 - effect)
                if t >= 2:
                    x[t] += PHI2[layer] * (x[t - 2] - 1.0 - effect)
            series.append(x)
        for chunk, start in enumerate(chunk_starts(n)):
            stop = min(start + WINDOW, n)
            for layer in range(LAYERS):
                for position, token in enumerate(range(start, stop)):
                    context = 0 if chunk > 0 and position < OVERLAP else 1
                    log_norm = series[layer][token]
                    if position == 0:
                        log_norm += 3.0  # the first position of a window is an outlier
                    elif not context:
                        log_norm += rng.normal(0.5, 0.4)  # measured again with a truncated context
                    norm = math.exp(log_norm)
                    rows.append({
                        "text_id": text_id, "chunk": chunk, "layer": layer, "position": position,
                        "token_id": int(ids[token]), "token": f" w{ids[token]}", "norm": norm, "log_norm": math.log(norm),
                        "has_context": context, "norm_without_bias": norm * math.exp(rng.normal(-0.2, 0.15)),
                    })
    return pd.DataFrame(rows)


def lag_design(table, response):
    """One row per usable t with both lags usable in the same text, chunk and layer."""
    frame = table.copy()
    frame["value"] = frame.log_norm if response == "log_norm" else np.log(frame.norm_without_bias)
    frame["usable"] = (frame.has_context == 1) & (frame.position >= 1)
    blocks = frame.groupby(["text_id", "chunk", "layer"], sort=False)
    for k in (1, 2):
        frame[f"lag{k}"] = blocks["value"].shift(k)
        frame[f"usable{k}"] = blocks["usable"].shift(k).fillna(False).astype(bool)
    keep = frame.usable & frame.usable1 & frame.usable2
    design = frame[keep].rename(columns={"value": "y"})
    design["text"] = design.text_id.map({t: i for i, (t, _) in enumerate(TEXTS)})
    return design[["text_id", "text", "chunk", "layer", "position", "y", "lag1", "lag2"]].reset_index(drop=True)


def fit_fields(res):
    return {
        "names": list(res.model.exog_names), "nobs": res.nobs,
        "params": res.params, "bse": res.bse, "tvalues": res.tvalues, "pvalues": res.pvalues,
        "conf_int": np.asarray(res.conf_int(0.05)), "rsquared": res.rsquared, "rsquared_adj": res.rsquared_adj,
        "df_resid": res.df_resid, "cov_params": np.asarray(res.cov_params()), "use_t": bool(res.use_t),
    }


def pooled_fits(design, use_t):
    out = []
    for layer in range(LAYERS):
        rows = design[design.layer == layer]
        X = sm.add_constant(rows[["lag1", "lag2"]].to_numpy())
        res = sm.OLS(rows.y.to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": rows.text.to_numpy()}, use_t=use_t)
        out.append({"layer": layer, "clusters": int(rows.text.nunique()), **fit_fields(res)})
    return out


def stacked_wald(design, use_t):
    data = design.rename(columns={"y": "log_norm"})
    res = smf.ols("log_norm ~ C(layer) + C(layer):lag1 + C(layer):lag2 - 1", data).fit(
        cov_type="cluster", cov_kwds={"groups": data.text.to_numpy()}, use_t=use_t)
    restriction = ", ".join(f"C(layer)[{l}]:lag1 = C(layer)[{l + 1}]:lag1" for l in range(LAYERS - 1))
    test = res.wald_test(restriction)
    return {
        "formula": "log_norm ~ C(layer) + C(layer):lag1 + C(layer):lag2 - 1", "restriction": restriction,
        "names": list(res.model.exog_names), "params": res.params, "cov_params": np.asarray(res.cov_params()),
        "nobs": res.nobs, "distribution": "F" if use_t else "chi2",
        "statistic": float(np.squeeze(test.statistic)), "pvalue": float(np.squeeze(test.pvalue)),
        "df_num": None if not use_t else float(test.df_num), "df_denom": float(test.df_denom), "summary": str(test.summary()),
    }


def per_text_fits(design):
    fits, summaries = [], []
    for layer in range(LAYERS):
        own = []
        too_short = []
        for text, (text_id, _) in enumerate(TEXTS):
            rows = design[(design.layer == layer) & (design.text == text)]
            if len(rows) < 4:
                too_short.append(text_id)
                continue
            X = sm.add_constant(rows[["lag1", "lag2"]].to_numpy(), has_constant="add")
            res = sm.OLS(rows.y.to_numpy(), X).fit()
            own.append({"layer": layer, "text_id": text_id, "nobs": res.nobs, "params": res.params, "bse": res.bse,
                        "pvalues": res.pvalues, "df_resid": res.df_resid})
        fits.extend(own)
        for k, term in ((1, "lag1"), (2, "lag2")):
            betas = np.array([f["params"][k] for f in own])
            p = np.array([f["pvalues"][k] for f in own])
            q1, median, q3 = np.percentile(betas, [25, 50, 75])
            inner = betas[(betas >= q1 - 1.5 * (q3 - q1)) & (betas <= q3 + 1.5 * (q3 - q1))]
            summaries.append({
                "layer": layer, "term": term, "texts": len(own), "too_short": too_short,
                "median": median, "q1": q1, "q3": q3, "min": betas.min(), "max": betas.max(),
                "lower_whisker": inner.min(), "upper_whisker": inner.max(),
                "significant": int((p < 0.05).sum()), "positive": int(((p < 0.05) & (betas > 0)).sum()),
                "negative": int(((p < 0.05) & (betas < 0)).sum()), "share_significant": float((p < 0.05).mean()),
            })
    return fits, summaries


def main():
    rng = np.random.RandomState(20261205)
    table = corpus_table(rng)
    design = lag_design(table, "log_norm")
    design_nb = lag_design(table, "log_norm_without_bias")
    per_text, per_text_summary = per_text_fits(design)
    out = {
        "statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
        "generator": "test/python/corpus_goldens.py",
        "layers": LAYERS, "window": WINDOW, "overlap": OVERLAP, "texts": [t for t, _ in TEXTS],
        "corpus": {c: table[c].tolist() for c in table.columns},
        "design": {c: design[c].tolist() for c in design.columns},
    "design_without_bias": {c: design_nb[c].tolist() for c in design_nb.columns},
        "pooled": pooled_fits(design, use_t=False),
        "pooled_use_t": pooled_fits(design, use_t=True),
        "pooled_without_bias": pooled_fits(design_nb, use_t=False),
        "stacked": stacked_wald(design, use_t=False),
        "stacked_use_t": stacked_wald(design, use_t=True),
        "per_text": per_text,
        "per_text_summary": per_text_summary,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(clean(out), f)
    print(f"wrote {OUT}: {len(table)} corpus rows, {len(design)} design rows, {len(per_text)} per-text fits")


if __name__ == "__main__":
    main()
