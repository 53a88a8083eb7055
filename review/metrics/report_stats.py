"""The exact sections of the project report from per-project statistics, not from annotations.

Every submit moves three tables of integers (review.services.agreement_counts) by the
difference between the item's old and new labels ({annotator id: value key}):
- "pattern": items per count pattern (the item's {value key: labels} as canonical JSON). Alpha
  at every level, percent agreement, Fleiss, Gwet, the alpha bootstrap (which already resamples
  distinct rows with multiplicities, review.metrics.bootstrap), per label one-vs-rest and the
  mean item entropy are sums over items of functions of that pattern;
- "pair": items labelled by annotators a < b (ids) with values (ka, kb): the per-pair confusion
  matrices, hence Cohen's kappas, the pair matrix and each annotator's mean kappa;
- "annotator": labels of annotator a with value k on items of m labels, `same` of them k: each
  annotator's label count (the "annotators" figure, the busiest choice) and agreement with others.
``exact_sections`` computes those sections with the very functions of the full report
(review.metrics.report / sections) on tables shaped as the full report shapes them (codes in its
order, annotators in id order), so the figures are the full report's (tests hold them equal).
Pure module: no Django.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from review.metrics import sections
from review.metrics.agreement import item_entropy
from review.metrics.alpha import LEVELS, Level, alpha_from_coincidences, difference_matrix
from review.metrics.bootstrap import pattern_order, patterns_bootstrap_ci
from review.metrics.inputs import SchemaSpec
from review.metrics.kappa import PairTable, within_item_pairs
from review.metrics.patterns import Patterns
from review.metrics.report import CONFIDENCE, _scale, _Sink, headline_level
from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.sets import set_distances
from review.metrics.tables import FloatArray, IntArray

SEP = "\x1f"
PATTERN, PAIR, ANNOTATOR = "pattern", "pair", "annotator"
Delta = dict[tuple[str, str], int]
# The sample of an at-scale report: the items whose hash of the id (Knuth's multiplicative hash,
# mod 2^32, offset by the seed) falls under size / labeled items of the range.
HASH_MULTIPLIER = 2654435761
HASH_RANGE = 2**32
SAMPLE_SEED = 20260101
# Report keys computed here; the rest of an at-scale report comes from a sample of items.
EXACT_KEYS = (
    "kind",
    "items",
    "annotations",
    "annotators",
    "percent_agreement",
    "krippendorff_alpha",
    "alpha_ci",
    "fleiss_kappa",
    "gwet_ac1",
    "cohen_kappa_pairs",
    "per_label",
    "pair_matrix",
    "item_entropy_mean",
)
EXACT_UNDEFINED = ("krippendorff_alpha.", "percent_agreement", "fleiss_kappa", "gwet_ac1")
EXACT_UNDEFINED_PREFIXES = (*EXACT_UNDEFINED, "alpha_ci.", "per_label.")
SAMPLED_SECTIONS = (
    "aggregation",
    "per_annotator.agreement_with_aggregate",
    "per_annotator.agreement_with_gold",
    "per_annotator.competence",
    "item_agreement_histogram",
    "item_agreement_mean",
    "groups",
    "estimated_accuracy",
)


def sample_hash(item_id: int) -> int:
    """The item's place in the sample order (stored beside its counts, computed alike in SQL)."""
    return (item_id * HASH_MULTIPLIER + SAMPLE_SEED) % HASH_RANGE


def sample_threshold(size: int, of: int) -> int:
    """Hashes under this give about ``size`` of ``of`` items."""
    return -(-size * HASH_RANGE // max(of, 1))


def key_digest(key: str) -> str:
    """The stored statistic's unique digest of its key (not a security use)."""
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()


def pattern_key(counts: Mapping[str, int]) -> str:
    """The canonical text of an item's {value key: labels}."""
    return json.dumps(dict(sorted(counts.items())))


def contributions(labels: Mapping[str, str]) -> Counter[tuple[str, str]]:
    """The statistics' entries one item adds, from its {annotator id (text): value key}."""
    found: Counter[tuple[str, str]] = Counter()
    if not labels:
        return found
    counts = Counter(labels.values())
    m = str(len(labels))
    found[(PATTERN, pattern_key(counts))] += 1
    ordered = sorted(labels.items(), key=lambda pair: int(pair[0]))
    for i, (a, ka) in enumerate(ordered):
        found[(ANNOTATOR, SEP.join((a, m, str(counts[ka]), ka)))] += 1
        for b, kb in ordered[i + 1 :]:
            found[(PAIR, SEP.join((a, b, ka, kb)))] += 1
    return found


def who_gave(labels: Mapping[str, str]) -> dict[str, list[int]]:
    """{value key: annotator ids, ascending}: how an item's labels are stored (the rebuild's SQL
    writes this shape in one GROUP BY of item and key)."""
    found: dict[str, list[int]] = defaultdict(list)
    for annotator, key in labels.items():
        found[key].append(int(annotator))
    return {key: sorted(ids) for key, ids in found.items()}


def labels_of(stored: Mapping[str, list[int]]) -> dict[str, str]:
    """The {annotator id (text): value key} of a stored ``who_gave``."""
    return {str(annotator): key for key, ids in stored.items() for annotator in ids}


def difference(old: Mapping[str, str], new: Mapping[str, str]) -> Delta:
    """The non-zero changes of the statistics when an item's labels go from ``old`` to ``new``."""
    delta: dict[tuple[str, str], int] = defaultdict(int)
    for entry, n in contributions(new).items():
        delta[entry] += n
    for entry, n in contributions(old).items():
        delta[entry] -= n
    return {entry: n for entry, n in delta.items() if n}


def pair_and_annotator_entries(
    items: IntArray, annotators: IntArray, codes: IntArray, keys: list[str]
) -> Delta:
    """The "pair" and "annotator" entries of many items at once, from their counted annotations
    (item id, annotator id, code of the value key in ``keys``): the rebuild's vectorised
    ``contributions`` summed over items."""
    found: Delta = {}
    if not len(items):
        return found
    _, item = np.unique(items, return_inverse=True)
    people, person = np.unique(annotators, return_inverse=True)
    width = max(len(keys), 1)
    first, second, c1, c2 = within_item_pairs(item, person, codes)
    combos, times = np.unique(
        ((first * len(people) + second) * width + c1) * width + c2, return_counts=True
    )
    for combo, n in zip(combos.tolist(), times.tolist(), strict=True):
        rest, y = divmod(combo, width)
        rest, x = divmod(rest, width)
        a, b = divmod(rest, len(people))
        found[(PAIR, SEP.join((str(people[a]), str(people[b]), keys[x], keys[y])))] = n
    m = np.bincount(item)
    cell = item * width + codes
    same = np.bincount(cell, minlength=len(m) * width)[cell]
    top = int(m.max()) + 1
    combos, times = np.unique(
        ((person * top + m[item]) * top + same) * width + codes, return_counts=True
    )
    for combo, n in zip(combos.tolist(), times.tolist(), strict=True):
        rest, code = divmod(combo, width)
        rest, equal = divmod(rest, top)
        a, size = divmod(rest, top)
        entry = SEP.join((str(people[a]), str(size), str(equal), keys[code]))
        found[(ANNOTATOR, entry)] = n
    return found


@dataclass(frozen=True)
class Statistics:
    """A project's statistics: patterns {pattern key: items}, pairs {(a, b, ka, kb): items},
    annotators {(a, m, same, key): labels}, and annotator names by id."""

    patterns: dict[str, int]
    pairs: dict[tuple[int, int, str, str], int]
    annotators: dict[tuple[int, int, int, str], int]
    names: dict[int, str]

    @classmethod
    def of_rows(cls, rows: Iterable[tuple[str, str, int]], names: Mapping[int, str]) -> Statistics:
        """From (kind, key, n) rows; rows at 0 are skipped."""
        patterns: dict[str, int] = {}
        pairs: dict[tuple[int, int, str, str], int] = {}
        annotators: dict[tuple[int, int, int, str], int] = {}
        for kind, key, n in rows:
            if not n:
                continue
            if kind == PATTERN:
                patterns[key] = n
            elif kind == PAIR:
                a, b, ka, kb = key.split(SEP, 3)
                pairs[(int(a), int(b), ka, kb)] = n
            elif kind == ANNOTATOR:
                a, m, same, value = key.split(SEP, 3)
                annotators[(int(a), int(m), int(same), value)] = n
        return cls(patterns, pairs, annotators, dict(names))

    def annotator_ids(self) -> list[int]:
        """Annotators with a counted label, in id order (the full report's annotator order)."""
        return sorted({key[0] for key in self.annotators})

    @property
    def labeled_items(self) -> int:
        """Items with at least one counted label."""
        return sum(self.patterns.values())


@dataclass(frozen=True)
class _Domain:
    """Value keys in the full report's code order, their names, and (multi) the sets."""

    keys: list[str]
    names: list[str]
    sets: np.ndarray | None


def _domain(stats: Statistics, spec: SchemaSpec) -> _Domain:
    """Codes as review.metrics.report.coded_values gives them: schema order, or for multi the
    observed label sets in np.unique order of their indicator rows."""
    if spec.kind != "multi":
        return _Domain(spec.value_names, spec.value_names, None)
    observed = sorted({key for pattern in stats.patterns for key in json.loads(pattern)})
    position = {label: j for j, label in enumerate(spec.labels)}
    matrix = np.zeros((len(observed), len(spec.labels)), dtype=bool)
    for row, key in enumerate(observed):
        for label in json.loads(key):
            matrix[row, position[label]] = True
    if not len(observed):
        return _Domain([], [], matrix)
    sets = np.unique(matrix, axis=0)
    key_of = {tuple(row): key for row, key in zip(matrix.tolist(), observed, strict=True)}
    keys = [key_of[tuple(row)] for row in sets.tolist()]
    names = [
        "+".join(label for label, on in zip(spec.labels, row, strict=True) if on) or "(none)"
        for row in sets
    ]
    return _Domain(keys, names, sets)


def _pattern_table(stats: Statistics, domain: _Domain) -> tuple[IntArray, IntArray]:
    """(distinct count rows in code order, items per row)."""
    index = {key: code for code, key in enumerate(domain.keys)}
    rows = np.zeros((len(stats.patterns), len(domain.keys)), dtype=np.int64)
    freq = np.zeros(len(stats.patterns), dtype=np.int64)
    for p, (pattern, n) in enumerate(sorted(stats.patterns.items())):
        for key, given in json.loads(pattern).items():
            rows[p, index[key]] = given
        freq[p] = n
    return rows, freq


def _coincidences(rows: IntArray, freq: IntArray) -> FloatArray:
    """Krippendorff's coincidence matrix of the items the patterns stand for."""
    totals = rows.sum(axis=1)
    keep = totals >= 2
    pairable = rows[keep].astype(np.float64)
    weighted = pairable * (freq[keep] / (totals[keep] - 1.0))[:, None]
    o: FloatArray = weighted.T @ pairable - np.diag(weighted.sum(axis=0))
    return o


def _alphas(
    spec: SchemaSpec, domain: _Domain, rows: IntArray, freq: IntArray, sink: _Sink
) -> dict[str, float | None]:
    """As review.metrics.report._alphas."""
    o = _coincidences(rows, freq)
    levels: tuple[Level, ...] = LEVELS if spec.kind == "rating" else ("nominal",)
    scale = _scale(spec)
    values = np.arange(rows.shape[1]) if scale is None else np.asarray(scale)
    alphas: dict[str, float | None] = {
        level: sink.value(
            f"krippendorff_alpha.{level}",
            alpha_from_coincidences(o, difference_matrix(level, values, o.sum(axis=1))),
        )
        for level in levels
    }
    if spec.kind == "multi" and domain.sets is not None:
        for distance in ("jaccard", "masi"):
            metric = alpha_from_coincidences(o, set_distances(domain.sets, distance))
            alphas[distance] = sink.value(f"krippendorff_alpha.{distance}", metric)
    return alphas


def one_vs_rest(rows: IntArray, freq: IntArray) -> list[dict[str, Metric]]:
    """review.metrics.agreement.one_vs_rest over patterns: each row counts ``freq`` times."""
    totals = rows.sum(axis=1)
    keep = totals >= 2
    f = freq[keep, None].astype(np.float64)
    x, m = rows[keep].astype(np.float64), totals[keep, None].astype(np.float64)
    cross = (f * x * (m - x) / (m - 1.0)).sum(axis=0)
    ones, zeros = (f * x).sum(axis=0), (f * (m - x)).sum(axis=0)
    n = ones + zeros
    specific_num, specific_den = (f * x * (x - 1)).sum(axis=0), (f * x * (m - 1)).sum(axis=0)
    all_labels = max(int((totals * freq).sum()), 1)
    result = []
    for c in range(rows.shape[1]):
        share = Metric.of(float((rows[:, c] * freq).sum()) / all_labels)
        if not keep.any():
            alpha = specific = Metric.undefined(NO_ITEMS)
        else:
            alpha = (
                Metric.of(1.0 - (n[c] - 1.0) * cross[c] / (ones[c] * zeros[c]))
                if ones[c] * zeros[c] > 0
                else Metric.undefined(NO_VARIATION)
            )
            specific = (
                Metric.of(specific_num[c] / specific_den[c])
                if specific_den[c] > 0
                else Metric.undefined("label never used on a shared item")
            )
        result.append({"share": share, "alpha": alpha, "specific_agreement": specific})
    return result


def _per_label(
    spec: SchemaSpec, domain: _Domain, rows: IntArray, freq: IntArray, sink: _Sink
) -> list[dict[str, Any]]:
    """As review.metrics.sections.per_label (label presence for multi)."""
    if spec.kind == "multi" and domain.sets is not None:
        totals = rows.sum(axis=1)
        figures = []
        for j in range(len(spec.labels)):
            present = rows[:, domain.sets[:, j]].sum(axis=1) if len(domain.keys) else totals * 0
            figures.append(one_vs_rest(np.stack([totals - present, present], axis=1), freq)[1])
    else:
        figures = one_vs_rest(rows, freq)
    result = []
    for name, row in zip(spec.value_names, figures, strict=True):
        entry: dict[str, Any] = {"label": name}
        entry |= {key: sink.value(f"per_label.{name}.{key}", metric) for key, metric in row.items()}
        result.append(entry)
    return result


def _pair_table(stats: Statistics, domain: _Domain, ids: list[int]) -> PairTable:
    """The full report's PairTable: pairs in (first, second) annotator-index order."""
    index = {a: i for i, a in enumerate(ids)}
    code = {key: c for c, key in enumerate(domain.keys)}
    size = len(domain.keys)
    by_pair: dict[tuple[int, int], np.ndarray] = {}
    for (a, b, ka, kb), n in stats.pairs.items():
        cell = by_pair.setdefault((index[a], index[b]), np.zeros((size, size), dtype=np.int64))
        cell[code[ka], code[kb]] += n
    order = sorted(by_pair)
    confusion = (
        np.stack([by_pair[p] for p in order])
        if order
        else np.zeros((0, size, size), dtype=np.int64)
    )
    first = np.array([p[0] for p in order], dtype=np.int64)
    second = np.array([p[1] for p in order], dtype=np.int64)
    return PairTable(first, second, confusion, confusion.sum(axis=(1, 2)))


def _annotator_figures(stats: Statistics, ids: list[int]) -> tuple[IntArray, FloatArray]:
    """Per annotator index: labels given, and mean agreement with others on shared items."""
    index = {a: i for i, a in enumerate(ids)}
    given = np.zeros(len(ids), dtype=np.int64)
    agree, shared = np.zeros(len(ids)), np.zeros(len(ids))
    for (a, m, same, _), n in stats.annotators.items():
        given[index[a]] += n
        if m >= 2:
            agree[index[a]] += n * (same - 1.0) / (m - 1.0)
            shared[index[a]] += n
    with np.errstate(divide="ignore", invalid="ignore"):
        return given, np.where(shared > 0, agree / np.where(shared > 0, shared, 1.0), np.nan)


def _entropy_mean(rows: IntArray, freq: IntArray) -> float | None:
    """As the full report's item_entropy_mean: over items with two or more labels."""
    keep = rows.sum(axis=1) >= 2
    if not keep.any():
        return None
    entropy = item_entropy(rows[keep])
    return sections._round(float((entropy * freq[keep]).sum() / freq[keep].sum()))


def exact_sections(
    stats: Statistics, spec: SchemaSpec, *, replicates: int, seed: int
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The EXACT_KEYS of the report, the exact part of per_annotator, and their undefined reasons.

    per_annotator entries carry annotator, n, agreement_with_others and mean_kappa.
    """
    sink = _Sink()
    domain = _domain(stats, spec)
    rows, freq = _pattern_table(stats, domain)
    totals = rows.sum(axis=1)
    ids = stats.annotator_ids()
    names = [stats.names.get(a, str(a)) for a in ids]
    patterns = Patterns(rows, freq.astype(np.float64))
    level = headline_level(spec)
    pairable = totals >= 2
    ordered, ordered_freq = pattern_order(rows[pairable], freq[pairable])
    low, high = patterns_bootstrap_ci(
        ordered, ordered_freq, level, _scale(spec), replicates=replicates, seed=seed,
        confidence=CONFIDENCE,
    )  # fmt: skip
    n_categories = rows.shape[1] if spec.kind == "multi" else spec.n_values
    table = _pair_table(stats, domain, ids)
    given, with_others = _annotator_figures(stats, ids)
    report: dict[str, Any] = {
        "kind": spec.kind,
        "items": int(freq[pairable].sum()),
        "annotations": int((totals * freq).sum()),
        "annotators": len(ids),
        "percent_agreement": sink.value("percent_agreement", patterns.percent_agreement()),
        "krippendorff_alpha": _alphas(spec, domain, rows, freq, sink),
        "alpha_ci": {
            "level": level,
            "low": sink.value("alpha_ci.low", low),
            "high": sink.value("alpha_ci.high", high),
            "confidence": CONFIDENCE,
            "replicates": replicates,
            "seed": seed,
        },
        "fleiss_kappa": sink.value("fleiss_kappa", patterns.fleiss_kappa()),
        "gwet_ac1": sink.value("gwet_ac1", patterns.gwet_ac1(n_categories)),
        "cohen_kappa_pairs": sections.cohen_pairs(table, names, spec.kind == "rating"),
        "per_label": _per_label(spec, domain, rows, freq, sink),
        "pair_matrix": sections.matrix_of(table, given, names),
        "item_entropy_mean": _entropy_mean(rows, freq),
    }
    sums, uses = sections.kappa_sums(table, len(ids))
    annotators = [
        {
            "annotator": names[a],
            "n": int(given[a]),
            "agreement_with_others": sections._round(with_others[a]),
            "mean_kappa": sections._round(sums[a] / uses[a]) if uses[a] else None,
        }
        for a in range(len(ids))
        if given[a] > 0
    ]
    return report, annotators, sink.undefined


def overlay(
    sampled: dict[str, Any],
    exact: dict[str, Any],
    annotators: list[dict[str, Any]],
    undefined: dict[str, str],
) -> dict[str, Any]:
    """The sample's report with every exact section put in (per_annotator merged by name)."""
    report = dict(sampled)
    for key in EXACT_KEYS:
        report[key] = exact[key]
    from_sample = {entry["annotator"]: entry for entry in sampled.get("per_annotator", [])}
    gold = any("agreement_with_gold" in entry for entry in from_sample.values())
    merged = []
    for entry in annotators:
        other = from_sample.get(entry["annotator"], {})
        row = {**{k: entry[k] for k in ("annotator", "n", "agreement_with_others")}}
        row["agreement_with_aggregate"] = other.get("agreement_with_aggregate")
        if gold:
            row["agreement_with_gold"] = other.get("agreement_with_gold")
        row["mean_kappa"] = entry["mean_kappa"]
        row["competence"] = other.get("competence")
        merged.append(row)
    report["per_annotator"] = merged
    kept = {
        path: reason
        for path, reason in (sampled.get("undefined") or {}).items()
        if not path.startswith(EXACT_UNDEFINED_PREFIXES)
    }
    report["undefined"] = kept | undefined
    return report
