"""Deconfliction benchmark: precision and recall of "should be flagged" on labelled pairs.

    .venv/bin/python bench/title10_deconfliction.py                  # hold-out set (ADR 1410), default install
    .venv/bin/python bench/title10_deconfliction.py --set batch3     # its third batch (all test)
    .venv/bin/python bench/title10_deconfliction.py --set batch4     # independent second labeller (ADR 1490)
    .venv/bin/python bench/title10_deconfliction.py --set regression # ADR 1400's set
    .venv/bin/python bench/title10_deconfliction.py --semantic       # also the sentence-embedding extra
    .venv/bin/python bench/title10_deconfliction.py --linked         # also after linking unregistered names
    .venv/bin/python bench/title10_deconfliction.py --show-misses tune

Data: data/title10/deconfliction_holdout/ (README there; written before the matcher was read, split
by country before the first run, frozen by SHA-256) and data/title10/deconfliction_eval/ (ADR 1400's
set, kept as a regression set). Each holds descriptions of real programs paraphrased from cited
public reporting, the unit registry an office would keep and pairs labelled by the issue's rule from
per-program ground truth that the product never sees. Headline figures are those of `test`.

The product code is used as it runs: `deconfliction.tag` (taxonomy), `UnitIndex` (registry
resolution), `deconfliction.score` and the text similarities.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")

import django  # noqa: E402

django.setup()

from secassist.title10 import deconfliction as dc  # noqa: E402

SETS = {
    # ADR 1410: written before the matcher was read, by someone other than its first author
    "holdout": ROOT / "data" / "title10" / "deconfliction_holdout",
    # ADR 1410: written after round 2 was frozen, by an engineer who had read the matcher; all test
    "batch3": ROOT / "data" / "title10" / "deconfliction_holdout" / "batch3",
    # ADR 1490: written and labelled by an independent second labeller who never read the matcher
    "batch4": ROOT / "data" / "title10" / "deconfliction_batch4",
    # ADR 1400: written by the matcher's author before writing it; kept as a regression set
    "regression": ROOT / "data" / "title10" / "deconfliction_eval",
}
DATA = SETS["holdout"]


def load() -> tuple[dict[str, dict[str, str]], list[dict[str, str]], dict[str, dc.UnitIndex]]:
    with (DATA / "programs.csv").open(encoding="utf-8") as fh:
        programs = {r["id"]: r for r in csv.DictReader(fh)}
    with (DATA / "pairs.csv").open(encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh))
    with (DATA / "units.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {(r["country"], r["name"]): i for i, r in enumerate(rows, start=1)}
    units: dict[str, list[dc.RegistryUnit]] = {}
    for (country, name), i in ids.items():
        row = rows[i - 1]
        parent = ids.get((country, row["parent"])) if row["parent"] else None
        units.setdefault(country, []).append(dc.RegistryUnit(i, name, tuple(a for a in row["aliases"].split(";") if a), parent))
    for p in pairs:
        p["a_side"], p["b_side"] = programs[p["a"]]["side"], programs[p["b"]]["side"]
        # sets written by different labellers spell the flag 1/0 or true/false
        p["should_flag"] = "1" if p["should_flag"].strip().lower() in ("1", "true") else "0"
    return programs, pairs, {c: dc.UnitIndex(u) for c, u in units.items()}


def analyst_links(programs: dict[str, dict[str, str]], indexes: dict[str, dc.UnitIndex]) -> dict[str, dict[str, int]]:
    """What an analyst does with the names the product lists as not in the registry: link each to
    its registered unit (ADR 1400). Simulated from the set's ground truth: a name links to the
    registry unit that another program of the same true unit resolves to. Program id -> links."""
    resolved: dict[tuple[str, str], int] = {}
    for row in programs.values():
        index = indexes.get(row["country"], dc.UnitIndex([]))
        for name in (u for u in row["units"].split(";") if u):
            unit = index.resolve(name)
            if unit is not None:
                resolved.setdefault((row["country"], row["true_unit"]), unit.id)
    links: dict[str, dict[str, int]] = {}
    for key, row in programs.items():
        index = indexes.get(row["country"], dc.UnitIndex([]))
        for name in (u for u in row["units"].split(";") if u):
            target = resolved.get((row["country"], row["true_unit"]))
            if index.resolve(name) is None and target is not None:
                links.setdefault(key, {})[name] = target
    return links


def profile(row: dict[str, str], index: dc.UnitIndex, linked: dict[str, int] | None = None) -> dc.Profile:
    text = f"{row['title']}. {row['description']}"
    capabilities, platforms = dc.tag(text)
    return dc.Profile(
        key=row["id"],
        label=row["id"],
        text=text,
        fiscal_years=frozenset(range(int(row["fy_start"]), int(row["fy_end"]) + 1)),
        capabilities=capabilities,
        platforms=platforms,
        **index.unit_facts([u for u in row["units"].split(";") if u], linked),
    )


def text_only(
    pairs: list[dict[str, str]], programs: dict[str, dict[str, str]], encoder: Any
) -> tuple[float, dict[str, dict[str, float]]]:
    """Baseline without the structured facts: flag when description similarity reaches a threshold
    chosen on the tune split (best F1); returns the threshold and precision/recall per split."""
    texts = {k: f"{r['title']}. {r['description']}" for k, r in programs.items()}
    corpus = list(texts.values())
    model = dc.fit_model(corpus)
    vectors = dict(zip(corpus, encoder(corpus), strict=True)) if encoder else {}
    sims = []
    for p in pairs:
        sim = dc.similarities(model, texts[p["a"]], [texts[p["b"]]])
        if encoder:
            sim = dc.encoder_similarities(lambda t: [vectors[x] for x in t], texts[p["a"]], [texts[p["b"]]])
        sims.append(sim[0])

    def pr(split: str, threshold: float) -> dict[str, float]:
        rows = [(p["should_flag"] == "1", s >= threshold) for p, s in zip(pairs, sims, strict=True) if p["split"] == split]
        tp = sum(1 for y, f in rows if y and f)
        fp = sum(1 for y, f in rows if not y and f)
        fn = sum(1 for y, f in rows if y and not f)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall) if tp else 0.0}

    best = max((t / 100 for t in range(5, 96)), key=lambda t: (round(pr("tune", t)["f1"], 6), t))
    return best, {split: pr(split, best) for split in ("tune", "test")}


def judge(
    pairs: list[dict[str, str]],
    programs: dict[str, dict[str, str]],
    indexes: dict[str, dc.UnitIndex],
    encoder: Any,
    links: dict[str, dict[str, int]] | None = None,
) -> list[dc.Candidate]:
    links = links or {}
    profiles = {k: profile(r, indexes.get(r["country"], dc.UnitIndex([])), links.get(k)) for k, r in programs.items()}
    corpus = [p.text for p in profiles.values()]  # IDF over all descriptions: unsupervised, labels unused
    model = dc.fit_model(corpus)
    vectors = dict(zip(corpus, encoder(corpus), strict=True)) if encoder else {}
    out = []
    for p in pairs:
        a, b = profiles[p["a"]], profiles[p["b"]]
        sims = dc.similarities(model, a.text, [b.text])
        if encoder:  # the product's combination, with each text embedded once
            sims = dc.combine(sims, dc.encoder_similarities(lambda texts: [vectors[t] for t in texts], a.text, [b.text]))
        out.append(dc.score(a, b, sims[0]))
    return out


def metrics(rows: list[tuple[dict[str, str], dc.Candidate]]) -> dict[str, float]:
    tp = sum(1 for p, c in rows if p["should_flag"] == "1" and c.flagged)
    fp = sum(1 for p, c in rows if p["should_flag"] == "0" and c.flagged)
    fn = sum(1 for p, c in rows if p["should_flag"] == "1" and not c.flagged)
    dup = [(p, c) for p, c in rows if p["label"] == "duplicate"]
    exact = sum(1 for p, c in rows if p["label"] == c.classification)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "pairs": len(rows),
        "should_flag": tp + fn,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        **_class_scores(rows, dc.DUPLICATE),
        **_class_scores(rows, dc.OVERLAP),
        "duplicates_found": sum(1 for _, c in dup if c.classification == "duplicate") / len(dup) if dup else 0.0,
        "class_accuracy": exact / len(rows) if rows else 0.0,
        "t22_recall": _recall([(p, c) for p, c in rows if "t22" in (p["a_side"], p["b_side"])]),
        "t10_recall": _recall([(p, c) for p, c in rows if p["a_side"] == p["b_side"] == "t10"]),
    }


def _class_scores(rows: list[tuple[dict[str, str], dc.Candidate]], cls: str) -> dict[str, float]:
    """Precision and recall of one classification (duplicate or overlap) against the label."""
    tp = sum(1 for p, c in rows if p["label"] == cls and c.classification == cls)
    said = sum(1 for _, c in rows if c.classification == cls)
    truth = sum(1 for p, _ in rows if p["label"] == cls)
    return {f"{cls}_precision": tp / said if said else 0.0, f"{cls}_recall": tp / truth if truth else 0.0, f"{cls}_n": truth}


def _recall(rows: list[tuple[dict[str, str], dc.Candidate]]) -> float:
    positives = [c for p, c in rows if p["should_flag"] == "1"]
    return sum(c.flagged for c in positives) / len(positives) if positives else 0.0


def semantic_encoder() -> Any:
    from secassist.title10 import semantic

    return semantic.load_encoder(required=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic", action="store_true", help="also measure with the sentence-embedding extra")
    parser.add_argument("--set", choices=sorted(SETS), default="holdout", help="which labelled set (default: holdout)")
    parser.add_argument(
        "--linked", action="store_true", help="also measure after an analyst links the names listed as not in the registry"
    )
    parser.add_argument("--show-misses", choices=["tune", "test"], help="print wrong flags of this split")
    args = parser.parse_args()
    global DATA
    DATA = SETS[args.set]
    programs, pairs, indexes = load()
    variants: list[tuple[str, Any]] = [("default (TF-IDF + taxonomy + registry)", None)]
    links = analyst_links(programs, indexes) if args.linked else {}
    if args.semantic:
        variants.append(("semantic extra (all-MiniLM-L6-v2)", semantic_encoder()))
    splits = {s: sum(p["split"] == s for p in pairs) for s in ("tune", "test")}
    print(f"{len(pairs)} labelled pairs; tune {splits['tune']}, test {splits['test']}")
    for name, encoder in variants:
        judged = list(zip(pairs, judge(pairs, programs, indexes, encoder), strict=True))
        print(f"\n{name}")
        if links:
            linked = list(zip(pairs, judge(pairs, programs, indexes, encoder, links), strict=True))
            for split in ("tune", "test"):
                m = metrics([(p, c) for p, c in linked if p["split"] == split])
                print(
                    f"  after linking {sum(len(v) for v in links.values())} unregistered name(s): {split} precision "
                    f"{m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f}"
                )
        for split in ("tune", "test"):
            m = metrics([(p, c) for p, c in judged if p["split"] == split])
            print(
                f"  {split:5} pairs {m['pairs']:3}  should-flag {m['should_flag']:2}  precision {m['precision']:.3f}  "
                f"recall {m['recall']:.3f}  F1 {m['f1']:.3f}  classification exact {m['class_accuracy']:.3f}  "
                f"recall on pairs with a Title 22 line {m['t22_recall']:.3f}, on Title 10 pairs {m['t10_recall']:.3f}\n"
                f"        duplicate (n={m['duplicate_n']}) precision {m['duplicate_precision']:.3f} "
                f"recall {m['duplicate_recall']:.3f}   overlap (n={m['overlap_n']}) "
                f"precision {m['overlap_precision']:.3f} recall {m['overlap_recall']:.3f}"
            )
        threshold, base = text_only(pairs, programs, encoder)
        kind = "embedding cosine" if encoder else "TF-IDF cosine"
        for split in ("tune", "test"):
            print(
                f"  baseline, {kind} only (threshold {threshold:.2f} chosen on tune): {split:5} "
                f"precision {base[split]['precision']:.3f}  recall {base[split]['recall']:.3f}"
            )
        if args.show_misses:
            for p, c in judged:
                wrong = (p["should_flag"] == "1") != c.flagged or p["label"] != c.classification
                if p["split"] == args.show_misses and wrong:
                    print(f"    {p['a']} ~ {p['b']}: label {p['label']}, got {c.classification}; {'; '.join(c.reasons)}")


if __name__ == "__main__":
    main()
