"""Backend names -> backends. "tfidf" is the default for text, "image" for images; "http"
needs a model server URL in the project settings ({"prelabel": {"url": "http://host:9090"}},
see labeling.services.model_server) and "embeddings" needs the optional extra installed."""

from __future__ import annotations

from typing import Any

from labeling.models import Project
from labeling.prelabel import embeddings
from labeling.prelabel.base import Backend
from labeling.prelabel.exceptions import PrelabelUnavailable
from labeling.prelabel.http_backend import HttpBackend
from labeling.prelabel.image import ImageBackend
from labeling.prelabel.tfidf import TfidfBackend
from labeling.services import model_server
from labeling.values import CLASS_KINDS

DEFAULT_RETRAIN_EVERY = 200
TEXT_BACKENDS = ("tfidf", "embeddings")
ALL_BACKENDS = ("tfidf", "image", "embeddings", "http")


def prelabel_settings(project: Project) -> dict[str, Any]:
    """The project's "prelabel" settings object (empty when unset)."""
    value = project.settings.get("prelabel") or {}
    return dict(value) if isinstance(value, dict) else {}


def retrain_every(project: Project) -> int:
    """How many new final or aggregated labels trigger a retrain (settings.prelabel.retrain_every)."""
    value = prelabel_settings(project).get("retrain_every", DEFAULT_RETRAIN_EVERY)
    return value if isinstance(value, int) and value > 0 else DEFAULT_RETRAIN_EVERY


def default_backend(project: Project) -> str:
    """The backend used when none is named: image projects get "image", text ones "tfidf"."""
    return "image" if project.data_type == "image" else "tfidf"


def backend_names(project: Project) -> list[str]:
    """The backends this project can use right now, default first."""
    names = []
    if project.kind in CLASS_KINDS:
        names.append(default_backend(project))
        if project.data_type == "text" and embeddings.available():
            names.append("embeddings")
    if prelabel_settings(project).get("url"):
        names.append("http")
    return names


def backend_check(project: Project, name: str | None) -> str:
    """Resolve `name` (None = default) or raise PrelabelUnavailable saying why not."""
    name = name or default_backend(project)
    if name not in ALL_BACKENDS:
        raise PrelabelUnavailable(f"Unknown backend {name!r}; use one of {', '.join(ALL_BACKENDS)}")
    if name not in backend_names(project):
        raise PrelabelUnavailable(_why_not(project, name))
    return name


def _why_not(project: Project, name: str) -> str:
    if name == "http":
        return 'The http backend needs settings {"prelabel": {"url": "http://..."}} on the project'
    if name == "embeddings" and not embeddings.available():
        return "The embeddings backend needs the optional extra: pip install .[embeddings]"
    if project.kind not in CLASS_KINDS:
        return f"Backend {name!r} predicts classes; {project.kind!r} projects need the http backend"
    return f"Backend {name!r} does not fit {project.data_type} data"


def backend_create(project: Project, name: str | None = None) -> Backend:
    """A fresh, unfitted backend instance for the project."""
    name = backend_check(project, name)
    kind = project.kind
    if name == "http":
        return http_backend_create(project)
    if name == "image":
        return ImageBackend(kind=kind)
    if name == "embeddings":
        return embeddings.EmbeddingsBackend(kind=kind)
    return TfidfBackend(kind=kind)


def http_backend_create(project: Project) -> HttpBackend:
    """The project's model server as a backend (PrelabelUnavailable without a URL)."""
    config = model_server.model_server_config(project)
    if config is None:
        raise PrelabelUnavailable(_why_not(project, "http"))
    return HttpBackend(
        kind=project.kind,
        schema=project.schema,
        config=config,
        project_key=model_server.model_server_project_key(project),
        image_url=lambda item_id: model_server.item_image_url(project.pk, item_id),
    )

