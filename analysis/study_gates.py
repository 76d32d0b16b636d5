"""The miniature's base-model gates (issue #12 items 2-4): what a base model must show before the
extension study says anything. Each gate is measured per seed from the study's outputs, so a
failing seed is named. The thresholds are the issue's; `rows()` returns one row per gate and seed.

  passkey at c         >= 95 % at every depth (eval.h5 passkey [length, depth])
  QA tasks inside c    >= 85 % on the items the window c did not truncate (sweep.json "fit")
  retrieval inside c   >= 80 % on the same
  kv recall inside c   >= 85 % on RULER's niah_multikey_1 at 3c/4 and c (OUT/ruler-c, every item fits)
  passkey at 4c        <= 30 % without extension (the window really ends at c)
  held-out perplexity  <= 1.3 x the training text's, at c (eval.h5 ppl vs train-ppl.h5)
  loss by position     the held-out loss falls with position inside c: mean NLL over the last
                       quarter of positions below the mean over c/8 .. c/4
  control fine-tune    the fine-tune with the RoPE unchanged within 3 points of the base on the
                       suite at c (the fine-tune itself must not break the model)
"""
import numpy as np

from study_data import suite_score

QA_TASKS = ("multifieldqa_en", "hotpotqa")  # sdqa, mdqa in the LongBench-format suite
RETRIEVAL_TASKS = ("passage_retrieval_en",)


def _row(gate, seed, value, rule, ok):
    return {"gate": gate, "seed": seed, "value": value, "rule": rule,
            "status": "not measured" if ok is None else ("holds" if ok else "fails")}


def _by_depth(depths):
    """Accuracy by depth as one cell: every value for a few depths, a summary for run_mini's 21."""
    if not depths:
        return "–"
    if len(depths) <= 5:
        return " / ".join(f"{v:.0f}" for v in depths) + " %"
    low = sum(v < 95 for v in depths)
    return f"min {min(depths):.0f} %, mean {sum(depths) / len(depths):.0f} %, {low} of {len(depths)} depths < 95 %"


def rows(M, c):
    out = []
    for seed, d in sorted(M.get("base", {}).items()):
        depths = d["passkey_by_depth"].get(c)
        out.append(_row("passkey at c, every depth", seed, _by_depth(depths), ">= 95 % at each depth",
                        None if not depths else min(depths) >= 95))
        fit = d["longbench_fit"].get(c, {})
        for name, tasks, floor in (("QA items inside c", QA_TASKS, 85), ("retrieval items inside c", RETRIEVAL_TASKS, 80)):
            vals = [fit[t] for t in tasks if t in fit and fit[t] is not None]
            out.append(_row(name, seed, " / ".join(f"{v:.1f}" for v in vals) if vals else "–", f">= {floor}",
                            None if not vals else min(vals) >= floor))
        rec = [d.get("recall", {}).get(n) for n in (3 * c // 4, c)]
        rec = [v for v in rec if v is not None]
        out.append(_row("kv recall inside c (RULER niah_multikey_1, 3c/4 / c)", seed,
                        " / ".join(f"{v:.1f}" for v in rec) if rec else "–", ">= 85", None if not rec else min(rec) >= 85))
        pk4 = d["passkey"].get(4 * c)
        out.append(_row("passkey at 4c, not extended", seed, f"{pk4:.0f} %" if pk4 is not None else "–", "<= 30 %",
                        None if pk4 is None else pk4 <= 30))
        held = d["ppl"].get(c, (None,))[0]
        train = d["train_ppl"].get(c)
        ok = None if held is None or train is None else held <= 1.3 * train
        out.append(_row("held-out / training perplexity at c", seed,
                        f"{held:.1f} / {train:.1f} = {held / train:.2f}" if ok is not None else "–", "<= 1.3", ok))
        nll = d["nll_by_position"].get(c)
        if nll is not None and len(nll) >= 8:
            early, late = float(np.mean(nll[c // 8:c // 4])), float(np.mean(nll[3 * len(nll) // 4:]))
            out.append(_row("held-out loss falls with position", seed, f"{early:.3f} → {late:.3f} nats",
                            "late < early", late < early))
        else:
            out.append(_row("held-out loss falls with position", seed, "–", "late < early", None))
        ctl = M.get("control", {}).get(seed)
        base_suite, ctl_suite = _suite(d, c), _suite(ctl, c) if ctl else None
        ok = None if base_suite is None or ctl_suite is None else abs(ctl_suite - base_suite) <= 3
        out.append(_row("control fine-tune vs base, suite at c", seed,
                        f"{ctl_suite:.1f} vs {base_suite:.1f}" if ok is not None else "–", "within 3 points", ok))
    return out


def _suite(d, w):
    scores = d["longbench"].get(w) if d else None
    return suite_score(scores) if scores else None


def section(M, c):
    """Markdown lines of the report's gate section."""
    R = rows(M, c)
    L = ["## Base-model gates\n",
         "What the un-extended base must show before the extension says anything (analysis/study_gates.py); "
         "one row per gate and seed.\n",
         "| gate | seed | measured | rule | status |", "|---|---|---|---|---|"]
    L += [f"| {r['gate']} | {r['seed']} | {r['value']} | {r['rule']} | **{r['status']}** |" for r in R]
    failing = sorted({r["gate"] for r in R if r["status"] == "fails"})
    missing = sorted({r["gate"] for r in R if r["status"] == "not measured"})
    L.append("")
    if failing:
        L.append("Gates that fail: " + "; ".join(failing) + ". The extension results below are measured on a base "
                 "model that does not meet them, and say correspondingly less about the paper.\n")
    elif missing:
        L.append("Not measured: " + "; ".join(missing) + ".\n")
    else:
        L.append("Every gate holds for every seed.\n")
    return L
