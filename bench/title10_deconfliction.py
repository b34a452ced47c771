"""Deconfliction benchmark: precision and recall of the flag on labelled pairs of program descriptions.

    .venv/bin/python bench/title10_deconfliction.py

Data: data/title10/deconfliction_pairs.csv (244 pairs, labelled from how the descriptions in
data/title10/deconfliction_descriptions.csv were written — before anything was measured; see
data/title10/PROVENANCE.md). The flag threshold is chosen on the `dev` split only (best F1, ties to
the higher threshold) and reported on the `test` split, whose countries the dev split never saw.
It also reports the product's shipped threshold (`deconfliction.FLAG_THRESHOLD`) and a text-only
variant, so the contribution of the structured overlaps is visible.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from secassist.title10 import deconfliction as dc  # noqa: E402

DATA = ROOT / "data" / "title10"


def load() -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    with (DATA / "deconfliction_descriptions.csv").open(newline="", encoding="utf-8") as handle:
        descriptions = {f"{r['family']}/{r['variant']}": r for r in csv.DictReader(handle)}
    with (DATA / "deconfliction_pairs.csv").open(newline="", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    return descriptions, pairs


def profile(key: str, row: dict[str, str]) -> dc.Profile:
    fy = int(row["fiscal_year"])
    return dc.Profile(
        key=key,
        label=key,
        text=row["text"],
        fiscal_years=frozenset(range(fy, fy + 3)),  # FY of funds to the 333(g) CFY end
        purposes=frozenset(p for p in row["purposes"].split(";") if p),
        elements=frozenset(e for e in row["elements"].split(";") if e),
        units=frozenset({dc.normalise_unit(row["units"])} if row["units"] else set()),
    )


def scores(descriptions: dict[str, dict[str, str]], pairs: list[dict[str, str]], *, text_only: bool) -> list[float]:
    model = dc.fit_model([r["text"] for r in descriptions.values()])  # IDF over all descriptions: unsupervised, labels unused
    out = []
    for p in pairs:
        a, b = profile(p["a"], descriptions[p["a"]]), profile(p["b"], descriptions[p["b"]])
        sim = dc.similarities(model, a.text, [b.text])[0]
        out.append(sim if text_only else dc.score(a, b, sim).score)
    return out


def metrics(labels: list[int], values: list[float], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for y, s in zip(labels, values, strict=True) if y and s >= threshold)
    fp = sum(1 for y, s in zip(labels, values, strict=True) if not y and s >= threshold)
    fn = sum(1 for y, s in zip(labels, values, strict=True) if y and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def choose(labels: list[int], values: list[float]) -> float:
    grid = [round(t / 100, 2) for t in range(5, 96)]
    return max(grid, key=lambda t: (round(metrics(labels, values, t)[2], 6), t))


def main() -> None:
    descriptions, pairs = load()
    print(
        f"{len(pairs)} labelled pairs ({sum(p['label'] == '1' for p in pairs)} overlapping, "
        f"{sum(p['label'] == '0' for p in pairs)} unrelated); dev {sum(p['split'] == 'dev' for p in pairs)}, "
        f"test {sum(p['split'] == 'test' for p in pairs)}"
    )
    for name, text_only in (("combined score (product)", False), ("text similarity only", True)):
        values = scores(descriptions, pairs, text_only=text_only)
        split = {
            s: (
                [int(p["label"]) for p in pairs if p["split"] == s],
                [v for p, v in zip(pairs, values, strict=True) if p["split"] == s],
            )
            for s in ("dev", "test")
        }
        threshold = choose(*split["dev"])
        print(f"\n{name}: threshold chosen on dev = {threshold:.2f}")
        for s in ("dev", "test"):
            p, r, f = metrics(*split[s], threshold)
            print(f"  {s:<5} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
        if not text_only:
            p, r, f = metrics(*split["test"], dc.FLAG_THRESHOLD)
            print(f"  test at the shipped FLAG_THRESHOLD {dc.FLAG_THRESHOLD:.2f}: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
            misses = [
                (pr, v)
                for pr, v in zip(pairs, values, strict=True)
                if pr["split"] == "test" and (int(pr["label"]) == 1) != (v >= dc.FLAG_THRESHOLD)
            ]
            for pr, v in misses[:12]:
                print(f"    miss {pr['pair_id']} {pr['kind']:<13} {pr['a']} vs {pr['b']}: score {v:.3f}")


if __name__ == "__main__":
    main()
