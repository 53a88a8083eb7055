"""Every project setting in one list: where it is stored, its type, bounds and default.

The settings page builds its fields from SETTINGS and the API's PATCH reads its keys from it;
both validate through `settings_errors`, so a rule is written once. A setting lives either in
a Project column ("column") or in the schema's settings object ("settings", at `path`).
The flag detectors' defaults live here too (review.flags.config reads them), since they are
project settings that labeling must list without importing review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labeling.choices import OrderingPolicy
from labeling.exceptions import SchemaError
from labeling.flag_defaults import FLAG_DEFAULTS
from labeling.image_urls import image_hosts_validate
from labeling.schema import guideline_image_hosts_validate

AGGREGATION_CHOICES = ("auto", "majority", "dawid_skene")

FLAG_WORDS = {
    "low_agreement": "low agreement",
    "rare_label": "rare label",
    "model_disagrees": "model disagrees",
    "unsure": "unsure",
    "gold_miss": "gold miss",
    "likely_error": "likely label error",
    "high_risk": "high risk",
}


@dataclass(frozen=True)
class Setting:
    """One setting. `kind`: int, float, bool, choice or hosts; `nullable` allows None."""

    name: str
    label: str
    kind: str
    default: Any
    store: str = "settings"  # "column" (a Project field) or "settings" (schema.settings)
    path: tuple[str, ...] = ()  # inside schema.settings; empty = (name,)
    low: float | None = None
    high: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    nullable: bool = False
    section: str = "work"
    help: str = ""
    where: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", self.path or (self.name,))


def _flag_settings() -> list[Setting]:
    bounds: dict[str, tuple[str, float, float, str]] = {
        "threshold": ("float", 0, 1, "Flag items whose agreement is below"),
        "cut": ("float", 0, 1, "Labels rarer than this share are rare"),
        "min_items": ("int", 1, 1_000_000, "Rare labels are judged after this many labeled items"),
        "score": ("float", 0, 1, "Flag when the model is at least this confident"),
        "comments": ("bool", 0, 1, "Comments count as unsure"),
        "margin": ("float", 0, 1, "Margin over the class threshold"),
        "min_f1": ("float", 0, 1, "Spans and boxes: flag when F1 is below"),
    }
    found = []
    for reason, params in FLAG_DEFAULTS.items():
        for param, default in params.items():
            if param == "enabled":
                kind, low, high, label = "bool", 0, 1, f"Flag {FLAG_WORDS[reason]}"
            else:
                kind, low, high, label = bounds[param]
            found.append(Setting(
                name=f"{reason}_{param}", label=label, kind=kind, default=default,
                path=("flags", reason, param), low=low if kind != "bool" else None,
                high=high if kind != "bool" else None, section="flags",
            ))  # fmt: skip
    return found


SETTINGS: tuple[Setting, ...] = (
    Setting("overlap", "Annotators per item", "int", 3, low=1, high=50,
            help="How many annotators label each item"),
    Setting("max_overlap", "Escalate contested items up to", "int", 0, store="column", low=0,
            high=50, help="Annotators per contested item at most; 0 turns escalation off"),
    Setting("ordering", "Ordering policy", "choice", OrderingPolicy.IN_PROGRESS_FIRST,
            store="column", choices=tuple(OrderingPolicy.choices)),
    Setting("lease_minutes", "Lease (minutes)", "int", 30, store="column", low=1, high=1440,
            help="How long an annotator holds an item before it returns to the pool"),
    Setting("gold_rate", "Gold rate", "float", 0.0, store="column", low=0, high=1,
            help="Share of next-item requests that serve a gold item (0-1)"),
    Setting("aggregation", "Aggregation", "choice", "auto", section="review",
            choices=tuple((name, name.replace("_", "-")) for name in AGGREGATION_CHOICES)),
    Setting("review_budget", "Review at most (share of items)", "float", 0.15, low=0, high=1,
            section="review", help="The queue takes the riskiest items first, up to this share"),
    Setting("risk_threshold", "Queue only items likely wrong above", "float", None, low=0,
            high=1, nullable=True, section="review", help="Probability 0-1; empty = no floor"),
    Setting("show_prelabels", "Show suggestions to annotators", "bool", False, store="column",
            section="suggestions"),
    Setting("prelabel_share", "Share of assignments that show a suggestion", "float", 1.0,
            store="column", low=0, high=1, section="suggestions",
            help="Below 1 the rest are labeled blind, which measures anchoring"),
    Setting("retrain_every", "Retrain after this many new labels", "int", 200,
            path=("prelabel", "retrain_every"), low=1, high=1_000_000, section="suggestions"),
    Setting("image_hosts", "Image hosts", "hosts", [], section="hosts",
            help="Hosts whose http(s) image URLs items may use, separated by spaces (default none)"),
    Setting("guideline_image_hosts", "Guideline image hosts", "hosts", [], section="hosts",
            help="Host names guideline images may load from; empty: only Accord"),
    *_flag_settings(),
)  # fmt: skip
BY_NAME = {setting.name: setting for setting in SETTINGS}
COLUMNS = tuple(setting.name for setting in SETTINGS if setting.store == "column")


def settings_read(*, columns: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Every setting's current value, by name: `columns` (Project fields) and `stored`
    (schema.settings); absent ones take their defaults."""
    values = {}
    for setting in SETTINGS:
        if setting.store == "column":
            values[setting.name] = columns.get(setting.name, setting.default)
        else:
            values[setting.name] = _dig(stored, setting.where, setting.default)
    return values


def _dig(stored: Any, path: tuple[str, ...], default: Any) -> Any:
    for key in path:
        if not isinstance(stored, dict) or key not in stored:
            return default
        stored = stored[key]
    return stored


def settings_store(stored: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of schema.settings with the given non-column `values` written at their paths."""
    result = _copy(stored)
    for name, value in values.items():
        setting = BY_NAME[name]
        if setting.store == "column":
            continue
        node = result
        for key in setting.where[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[setting.where[-1]] = value
    return result


def _copy(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: _copy(value) if isinstance(value, dict) else value for key, value in stored.items()}


def settings_from_patch(patch: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a PATCH settings object into (setting values by name, other keys).

    Keys may be setting names ("gold_rate", "low_agreement_threshold") or the stored shape
    ({"flags": {"low_agreement": {"threshold": 0.5}}, "prelabel": {"retrain_every": 100}}).
    Other keys (set by other features, such as the model server) pass through unchanged.
    """
    values: dict[str, Any] = {}
    rest = _copy(patch)
    for setting in SETTINGS:
        if setting.name in patch:
            values[setting.name] = rest.pop(setting.name)
            continue
        found = _dig(patch, setting.where, _MISSING)
        if found is not _MISSING:
            values[setting.name] = found
            _remove(rest, setting.where)
    return values, rest


_MISSING = object()


def _remove(node: dict[str, Any], path: tuple[str, ...]) -> None:
    parents = []
    for key in path[:-1]:
        parents.append((node, key))
        node = node[key]
    node.pop(path[-1], None)
    for parent, key in reversed(parents):
        if parent[key] == {}:
            parent.pop(key)


def settings_errors(values: dict[str, Any]) -> dict[str, str]:
    """{setting name: message} for every invalid value in `values` (a full set by name)."""
    errors = {}
    for name, value in values.items():
        message = _problem(BY_NAME[name], value)
        if message is not None:
            errors[name] = message
    maximum, overlap = values.get("max_overlap"), values.get("overlap")
    both_valid = not {"max_overlap", "overlap"} & set(errors) and _is_int(maximum) and _is_int(overlap)
    if both_valid and maximum and maximum < overlap:
        errors["max_overlap"] = (
            f"Escalation must reach at least the overlap ({overlap}), or be 0 to turn it off"
        )
    return errors


def settings_validate(values: dict[str, Any]) -> dict[str, Any]:
    """`values` normalised (hosts cleaned), or SchemaError naming the first bad field.

    The error's details are {"field": first name, "fields": {name: message, ...}}.
    """
    errors = settings_errors(values)
    if errors:
        first = next(iter(errors))
        raise SchemaError(errors[first], details={"field": first, "fields": errors})
    clean = dict(values)
    for name, value in values.items():
        if BY_NAME[name].kind == "hosts":
            clean[name] = image_hosts_validate(value) if name == "image_hosts" else _hosts(value)
    return clean


def _hosts(value: Any) -> list[str]:
    return guideline_image_hosts_validate(value)


def _problem(setting: Setting, value: Any) -> str | None:
    if value is None:
        return None if setting.nullable else f"{setting.label} is required"
    kind = setting.kind
    if kind == "bool":
        return None if isinstance(value, bool) else f"{setting.label} must be true or false"
    if kind == "choice":
        names = [name for name, _ in setting.choices]
        return None if value in names else f"{setting.label} must be one of {', '.join(names)}"
    if kind == "hosts":
        return _hosts_problem(setting, value)
    if kind == "int" and not _is_int(value):
        return f"{setting.label} must be a whole number"
    if kind == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{setting.label} must be a number"
    if not setting.low <= value <= setting.high:  # type: ignore[operator]
        return f"{setting.label} must be from {_num(setting.low)} to {_num(setting.high)}"
    return None


def _hosts_problem(setting: Setting, value: Any) -> str | None:
    try:
        image_hosts_validate(value) if setting.name == "image_hosts" else _hosts(value)
    except SchemaError as error:
        return error.message
    return None


def _num(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None and value == int(value) else str(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
