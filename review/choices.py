"""The fixed choices of review's models (flag reasons and states, causes, decisions, verdicts).

Pages import them from here, not from review.models, so they need no model class.
"""

from __future__ import annotations

from django.db import models


class FlagReason(models.TextChoices):
    LOW_AGREEMENT = "low_agreement", "Low agreement"
    RARE_LABEL = "rare_label", "Rare label"
    MODEL_DISAGREES = "model_disagrees", "Model disagrees"
    UNSURE = "unsure", "Unsure or commented"
    GOLD_MISS = "gold_miss", "Gold miss"
    LIKELY_ERROR = "likely_error", "Likely label error"
    HIGH_RISK = "high_risk", "Likely wrong (within review budget)"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


# Live flags: open or in review (the dashboard's "open flags"; the queue shows the open ones).
LIVE_FLAG_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)


class Cause(models.TextChoices):
    GUIDELINE_GAP = "guideline_gap", "Guideline gap"
    AMBIGUOUS = "ambiguous", "Ambiguous item"
    SLIP = "slip", "Annotator slip"
    BAD_ITEM = "bad_item", "Bad item"


class DecisionAction(models.TextChoices):
    FINAL = "final", "Set final label"
    SEND_BACK = "send_back", "Sent back for re-annotation"
    DISMISS = "dismiss", "Dismissed flag"


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
