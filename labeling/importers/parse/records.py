"""The parsed form of an import: one ItemRecord per item, with the line numbers it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class RowError:
    """A problem found while reading the file, reported to the user with its line number."""

    line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass(slots=True)
class AnnotationRecord:
    line: int
    annotator: str
    value: Any
    created_at: datetime | None = None
    guideline_version: int | None = None
    lead_time_ms: int | None = None
    unsure: bool = False
    comment: str = ""
    prelabel_shown: bool = False


@dataclass(slots=True)
class PredictionRecord:
    line: int
    model: str
    value: Any
    score: float | None = None
    probabilities: dict[str, float] | None = None


@dataclass(slots=True)
class ItemRecord:
    """One item as read from the file; `line` is where it starts (first row for CSV)."""

    line: int
    external_id: str
    data: dict[str, Any]
    annotations: list[AnnotationRecord] = field(default_factory=list)
    predictions: list[PredictionRecord] = field(default_factory=list)
    # The known answer that makes the item gold (a value object, or a bare label), or None.
    gold: Any = None

    @property
    def image_name(self) -> str | None:
        """The image file the item names (None for none, or an http(s) URL shown from its host)."""
        image = self.data.get("image")
        return image if isinstance(image, str) and not image.lower().startswith(("http://", "https://")) else None
