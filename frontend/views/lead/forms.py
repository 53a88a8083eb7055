"""The project settings form: plain fields in, a DESIGN.md schema out (checked by schema_validate)."""

from __future__ import annotations

from typing import Any

from django import forms

from labeling.choices import OrderingPolicy
from labeling.exceptions import SchemaError
from labeling.models import Project
from labeling.schema import AGGREGATIONS, DATA_TYPES, KINDS, LEVELS, schema_validate

# Which form field a schema_validate message is about (first match wins).
MESSAGE_FIELDS = (
    ("guideline_image_hosts", "guideline_image_hosts"),
    ("image_hosts", "image_hosts"),
    ("labels", "labels"),
    ("hotkey", "labels"),
    ("overlap", "overlap"),
    ("scale", "scale_max"),
    ("level", "level"),
    ("aggregation", "aggregation"),
    ("review_budget", "review_budget"),
    ("risk_threshold", "risk_threshold"),
    ("schema.data", "data_type"),
    ("needs schema.data", "data_type"),
    ("kind", "kind"),
)
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")

# Fields the schema is built from; other fields' errors do not stop the schema check.
SCHEMA_FIELDS = ("kind", "data_type", "scale_min", "scale_max", "level", "overlap", "aggregation")


class LabelForm(forms.Form):
    """One label row; `original` remembers the stored value so a change is a rename."""

    original = forms.CharField(required=False, widget=forms.HiddenInput)
    value = forms.CharField(max_length=100, required=False)  # blank rows are dropped
    hotkey = forms.CharField(max_length=1, required=False)
    color = forms.CharField(
        max_length=7, required=False, widget=forms.TextInput(attrs={"type": "color"})
    )
    description = forms.CharField(max_length=500, required=False)


# Each row's inputs sit in table cells under a column header, which is no label: they get
# an aria-label that names the column and the row (WCAG 1.3.1, 4.1.2).
COLUMN_NAMES = {
    "ORDER": "Order",
    "value": "Value",
    "hotkey": "Hotkey",
    "color": "Colour",
    "description": "Description",
    "DELETE": "Remove",
}


class BaseLabelFormSet(forms.BaseFormSet):
    """The label rows, each input named for screen readers ("Value of label 2")."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        row = "the new label" if index is None else f"label {index + 1}"
        for name, column in COLUMN_NAMES.items():
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = f"{column} of {row}"


LabelFormSet = forms.formset_factory(
    LabelForm, formset=BaseLabelFormSet, extra=1, can_order=True, can_delete=True
)


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    data_type = forms.ChoiceField(choices=[(d, d) for d in DATA_TYPES], label="Data type")
    scale_min = forms.IntegerField(required=False, initial=1, label="Rating scale from")
    scale_max = forms.IntegerField(required=False, initial=5, label="Rating scale to")
    level = forms.ChoiceField(choices=[(v, v) for v in LEVELS], required=False)
    overlap = forms.IntegerField(initial=3, help_text="Annotators per item")
    aggregation = forms.ChoiceField(choices=[(a, a) for a in AGGREGATIONS])
    ordering = forms.ChoiceField(choices=OrderingPolicy.choices, label="Ordering policy")
    gold_rate = forms.FloatField(initial=0.0, min_value=0.0, max_value=1.0, help_text="Share 0-1")
    lease_minutes = forms.IntegerField(
        initial=30, min_value=1, max_value=1440, label="Lease (minutes)"
    )
    image_hosts = forms.CharField(
        required=False,
        max_length=2000,
        label="Image hosts",
        help_text="Hosts whose http(s) image URLs items may use, separated by spaces (default none)",
    )
    low_agreement = forms.FloatField(
        required=False, min_value=0.0, max_value=1.0, label="Flag items with agreement below"
    )
    rare_label = forms.FloatField(
        required=False, min_value=0.0, max_value=1.0, label="Flag labels rarer than (share)"
    )
    model_disagrees = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Flag model disagreement at score above",
    )
    review_budget = forms.FloatField(
        required=False,
        initial=0.15,
        min_value=0.0,
        max_value=1.0,
        label="Review at most (share of items)",
        help_text="The queue takes the riskiest items first, up to this share",
    )
    risk_threshold = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Queue only items likely wrong above",
        help_text="Probability 0-1; empty = no floor",
    )

    guideline_image_hosts = forms.CharField(
        required=False,
        max_length=2000,
        label="Guideline image hosts",
        help_text="Host names guideline images may load from, comma-separated; empty: only Accord",
    )

    def __init__(self, *args: Any, labels: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.labels = labels or []
        self.schema: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        """Build the schema and run the one validator; put its message beside the field."""
        data = super().clean()
        if any(name in self.errors for name in SCHEMA_FIELDS):
            return data
        schema = schema_from_form(data, self.labels)
        try:
            self.schema = schema_validate(schema)
        except SchemaError as error:
            self.add_error(field_of(error.message), error.message)
            if field_of(error.message) is None:
                # The validator stops at the first problem: check the rest with stand-in labels.
                self._check_without_labels(schema)
        return data

    def _check_without_labels(self, schema: dict[str, Any]) -> None:
        try:
            schema_validate({**schema, "labels": [{"value": "stand-in"}]})
        except SchemaError as error:
            if field_of(error.message) is not None:
                self.add_error(field_of(error.message), error.message)


def field_of(message: str) -> str | None:
    """The form field a schema message is about; None puts it at the top of the form."""
    for needle, field in MESSAGE_FIELDS:
        if needle in message:
            return None if field == "labels" else field
    return None


def schema_from_form(data: dict[str, Any], labels: list[dict[str, Any]]) -> dict[str, Any]:
    """The DESIGN.md schema object for the cleaned form data and label rows."""
    schema: dict[str, Any] = {"kind": data["kind"], "data": data["data_type"]}
    if labels or data["kind"] != "rating":
        schema["labels"] = labels
    if data["kind"] == "rating":
        schema["scale"] = {"min": data.get("scale_min"), "max": data.get("scale_max")}
        schema["level"] = data.get("level") or "ordinal"
    flags: dict[str, Any] = {}
    if data.get("low_agreement") is not None:
        flags["low_agreement"] = {"enabled": True, "threshold": data["low_agreement"]}
    if data.get("rare_label") is not None:
        flags["rare_label"] = {"cut": data["rare_label"]}
    if data.get("model_disagrees") is not None:
        flags["model_disagrees"] = {"score": data["model_disagrees"]}
    schema["settings"] = {
        "overlap": data["overlap"],
        "aggregation": data["aggregation"],
        "review_budget": 0.15 if data.get("review_budget") is None else data["review_budget"],
        "risk_threshold": data.get("risk_threshold"),
    }
    hosts = (data.get("guideline_image_hosts") or "").replace(",", " ").split()
    schema["settings"]["guideline_image_hosts"] = hosts
    hosts = (data.get("image_hosts") or "").replace(",", " ").split()
    if hosts or data.get("image_hosts") is not None:
        schema["settings"]["image_hosts"] = hosts
    if flags:
        schema["settings"]["flags"] = flags
    return schema


def labels_from_formset(formset: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Label rows in the chosen order (deleted and blank rows dropped) and the renames {old: new}."""
    rows = []
    for position, form in enumerate(formset.forms):
        data = form.cleaned_data if form.is_valid() else {}
        if not data.get("value") or data.get("DELETE"):
            continue
        rows.append((data.get("ORDER") or position + 1000, position, data))
    rows.sort(key=lambda row: (row[0], row[1]))
    labels, renames = [], {}
    for _, _, data in rows:
        label = {"value": data["value"].strip()}
        for key in ("hotkey", "color", "description"):
            if data.get(key):
                label[key] = data[key]
        labels.append(label)
        if data.get("original") and data["original"] != label["value"]:
            renames[data["original"]] = label["value"]
    return labels, renames


def initial_for(project: Project) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Form and label-row initial values for an existing project."""
    schema, settings = project.schema, project.settings
    flags = settings.get("flags") if isinstance(settings.get("flags"), dict) else {}
    scale = schema.get("scale") or {}
    initial = {
        "name": project.name,
        "description": project.description,
        "kind": schema.get("kind"),
        "data_type": schema.get("data", "text"),
        "scale_min": scale.get("min", 1),
        "scale_max": scale.get("max", 5),
        "level": schema.get("level", "ordinal"),
        "overlap": project.overlap,
        "aggregation": settings.get("aggregation", "auto"),
        "review_budget": settings.get("review_budget", 0.15),
        "risk_threshold": settings.get("risk_threshold"),
        "ordering": project.ordering,
        "gold_rate": project.gold_rate,
        "lease_minutes": project.lease_minutes,
        "image_hosts": " ".join(settings.get("image_hosts") or []),
        "low_agreement": (flags.get("low_agreement") or {}).get("threshold"),
        "rare_label": (flags.get("rare_label") or {}).get("cut"),
        "model_disagrees": (flags.get("model_disagrees") or {}).get("score"),
        "guideline_image_hosts": ", ".join(settings.get("guideline_image_hosts") or []),
    }
    rows = [
        {"color": palette_colour(index), **label, "original": label["value"], "ORDER": index + 1}
        for index, label in enumerate(schema.get("labels", []))
    ]
    return initial, rows


def palette_colour(index: int) -> str:
    """A distinct default colour for the index-th label (a colour input cannot be empty)."""
    return PALETTE[index % len(PALETTE)]
