"""The project settings form: plain fields in, a DESIGN.md schema out (checked by schema_validate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from labeling.exceptions import SchemaError
from labeling.project_settings import BY_NAME, SETTINGS, Setting, settings_errors
from labeling.schema import DATA_TYPES, KINDS, LEVELS, schema_validate
from labeling.services import project_settings_values

if TYPE_CHECKING:
    from labeling.models import Project

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


SECTIONS = (
    ("work", "Work"),
    ("review", "Review and aggregation"),
    ("flags", "Flags"),
    ("suggestions", "Suggestions (pre-labels)"),
    ("hosts", "Image hosts"),
)


def setting_field(setting: Setting) -> forms.Field:
    """The form field of one setting; its bounds are checked by settings_errors, not here."""
    common: dict[str, Any] = {"label": setting.label, "help_text": setting.help}
    if setting.kind == "bool":
        return forms.BooleanField(required=False, **common)
    if setting.kind == "choice":
        return forms.ChoiceField(choices=list(setting.choices), **common)
    if setting.kind == "hosts":
        return forms.CharField(required=False, max_length=2000, **common)
    if setting.kind == "int":
        return forms.IntegerField(required=not setting.nullable, **common)
    return forms.FloatField(required=not setting.nullable, **common)


class ProjectForm(forms.Form):
    """Name, schema and every setting of labeling.project_settings.SETTINGS (one field each)."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    data_type = forms.ChoiceField(choices=[(d, d) for d in DATA_TYPES], label="Data type")
    scale_min = forms.IntegerField(required=False, initial=1, label="Rating scale from")
    scale_max = forms.IntegerField(required=False, initial=5, label="Rating scale to")
    level = forms.ChoiceField(choices=[(v, v) for v in LEVELS], required=False)

    def __init__(self, *args: Any, labels: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for setting in SETTINGS:
            self.fields[setting.name] = setting_field(setting)
        self.labels = labels or []
        self.schema: dict[str, Any] = {}

    def sections(self) -> list[dict[str, Any]]:
        """The settings fields grouped for the page: [{"id", "title", "fields"}]."""
        return [
            {"id": key, "title": title, "fields": [self[s.name] for s in SETTINGS if s.section == key]}
            for key, title in SECTIONS
        ]

    def setting_values(self) -> dict[str, Any]:
        """The cleaned settings by name (hosts as lists), for settings_errors and the service."""
        values = {}
        for setting in SETTINGS:
            value = self.cleaned_data.get(setting.name)
            if setting.kind == "hosts":
                value = (value or "").replace(",", " ").split()
            values[setting.name] = value
        return values

    def clean(self) -> dict[str, Any]:
        """Build the schema and run the validators; put each message beside its field."""
        data = super().clean()
        if not any(name in self.errors for name in SCHEMA_FIELDS):
            self._check_schema(schema_from_form(data, self.labels))
        for name, message in settings_errors(self.setting_values()).items():
            if name not in self.errors:  # a typing error from the field itself says enough
                self.add_error(name, message)
        return data

    def _check_schema(self, schema: dict[str, Any]) -> None:
        try:
            self.schema = schema_validate(schema)
        except SchemaError as error:
            self.add_error(field_of(error.message), error.message)
            if field_of(error.message) is None:
                # The validator stops at the first problem: check the rest with stand-in labels.
                self._check_without_labels(schema)

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
    """The DESIGN.md schema object for the cleaned form data and label rows; the settings the
    schema check needs are in it, the rest travel by name to the service."""
    schema: dict[str, Any] = {"kind": data["kind"], "data": data["data_type"]}
    if labels or data["kind"] != "rating":
        schema["labels"] = labels
    if data["kind"] == "rating":
        schema["scale"] = {"min": data.get("scale_min"), "max": data.get("scale_max")}
        schema["level"] = data.get("level") or "ordinal"
    schema["settings"] = {"overlap": data.get("overlap"), "aggregation": data.get("aggregation")}
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
    schema = project.schema
    scale = schema.get("scale") or {}
    initial = {
        "name": project.name,
        "description": project.description,
        "kind": schema.get("kind"),
        "data_type": schema.get("data", "text"),
        "scale_min": scale.get("min", 1),
        "scale_max": scale.get("max", 5),
        "level": schema.get("level", "ordinal"),
        **setting_initial(project_settings_values(project)),
    }
    rows = [
        {"color": palette_colour(index), **label, "original": label["value"], "ORDER": index + 1}
        for index, label in enumerate(schema.get("labels", []))
    ]
    return initial, rows


def setting_initial(values: dict[str, Any]) -> dict[str, Any]:
    """Settings by name as the form shows them (host lists as space-separated text)."""
    return {
        name: " ".join(value or []) if BY_NAME[name].kind == "hosts" else value
        for name, value in values.items()
    }


def palette_colour(index: int) -> str:
    """A distinct default colour for the index-th label (a colour input cannot be empty)."""
    return PALETTE[index % len(PALETTE)]
