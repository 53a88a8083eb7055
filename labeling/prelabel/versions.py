"""Model versions (services): fit, cross-validate, store and record a ModelVersion row.

Fitting runs outside any transaction (it can take a while); only naming and inserting the row
is atomic, under a lock on the project row so two retrains never pick the same version name.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.models import ModelVersion, Project
from labeling.prelabel import registry, storage, training
from labeling.prelabel.base import Backend
from labeling.prelabel.http_backend import HttpBackend
from labeling.services import model_server

logger = logging.getLogger(__name__)


def model_version_current(*, project: Project, backend: str) -> ModelVersion | None:
    """The newest version of `backend` for the project whose model file can be loaded."""
    for version in ModelVersion.objects.filter(project=project, backend=backend).order_by("-id")[:5]:
        if backend == "http" or storage.model_exists(project_id=project.pk, version=version.version):
            return version
    return None


def model_version_train(
    *, project: Project, backend: str | None = None, user: AbstractBaseUser | None = None
) -> ModelVersion:
    """Fit a new version of `backend` on the project's final (else aggregated) labels.

    Records trained_on, cross-validated accuracy against final labels and class counts;
    raises NotEnoughLabels or PrelabelUnavailable. The fitted model is saved in the media
    storage as models/<project>/<version>.joblib. The http backend is not trained here: its
    version is the remote server's model version, learnt at /setup, which also hands the
    server a read-only token of the project (owned by `user` when they lead it).
    """
    name = registry.backend_check(project, backend)
    model = registry.backend_create(project, name)
    if isinstance(model, HttpBackend):
        return _http_version(project, model, user)
    data = training.training_set(project)
    training.training_check(data)
    accuracy, details = training.cross_validate(
        lambda: registry.backend_create(project, name), data
    )
    fitted = training.fit_model(lambda: model, data)
    details.update(classes=training.class_counts(data.labels), final_labels=sum(data.is_final))
    return _record(project, name, fitted, trained_on=len(data.labels), accuracy=accuracy, details=details)


def _record(
    project: Project,
    name: str,
    fitted: Backend,
    *,
    trained_on: int,
    accuracy: float | None,
    details: dict[str, object],
) -> ModelVersion:
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        number = ModelVersion.objects.filter(project=project, backend=name).count() + 1
        version = f"{name}-v{number}"
        while ModelVersion.objects.filter(project=project, version=version).exists():
            number += 1
            version = f"{name}-v{number}"
        storage.model_save(fitted, project_id=project.pk, version=version)
        row = ModelVersion.objects.create(
            project=project,
            version=version,
            backend=name,
            trained_on=trained_on,
            cv_accuracy=accuracy,
            details=details,
        )
    logger.info("project %s: trained %s on %s labels (cv %s)", project.pk, version, trained_on, accuracy)
    return row


def _http_version(project: Project, model: HttpBackend, user: AbstractBaseUser | None) -> ModelVersion:
    token = model_server.model_server_token_issue(project=project, user=user)
    remote = model.setup(hostname=model_server.public_base_url(), access_token=token)
    row, _ = ModelVersion.objects.get_or_create(
        project=project,
        version=f"http-{remote}",
        defaults={"backend": "http", "details": {"url": model.url, "remote_version": remote}},
    )
    return row


def model_version_load(*, project: Project, version: ModelVersion) -> Backend:
    """The fitted backend of a version (http versions are rebuilt from the project settings)."""
    if version.backend == "http":
        model = registry.backend_create(project, "http")
        assert isinstance(model, HttpBackend)  # noqa: S101 - registry contract
        model.remote_version = str(version.details.get("remote_version", ""))
        return model
    fitted = storage.model_load(project_id=project.pk, version=version.version)
    if fitted is None:
        raise FileNotFoundError(f"model file of {version.version} is missing")
    return fitted


def retrain_due(*, project: Project, backend: str | None = None) -> bool:
    """True when retrain_every new final or aggregated labels arrived since the newest version
    of `backend` (default: the project's default backend). False before any version exists:
    the first model is trained when a lead first starts pre-labeling."""
    name = backend or registry.default_backend(project)
    latest = ModelVersion.objects.filter(project=project, backend=name).order_by("-id").first()
    if latest is None:
        return False
    return training.labeled_count(project) - latest.trained_on >= registry.retrain_every(project)
