"""The service's model files: the risk model (`settings.RISK_MODEL_PATH`) and the skin-photo
estimator (`settings.PHOTO_ESTIMATOR_PATH`), each loaded once per process.

A process keeps what it loaded until the file on disk changes (a retrained model is picked up
without a restart). Without a usable file the service still assesses every reading with the
guideline engine alone, and says what was unavailable and why.
"""

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings

from risk_model.model import ModelFileError, TrainedModel, load
from risk_model.photo import Estimator, EstimatorFileError, load_estimator

logger = logging.getLogger(__name__)


@cache
def _load(reader: Callable, error: type[Exception], path: Path, modified: float | None):
    try:
        loaded = reader(path)
    except error as exc:
        logger.error("%s unavailable: %s", path, exc)
        return None, str(exc)
    logger.info("%s loaded from %s", loaded.version, path)
    return loaded, None


def _current(reader: Callable, error: type[Exception], path) -> tuple:
    path = Path(path)
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        modified = None
    return _load(reader, error, path, modified)


def current_model() -> tuple[TrainedModel | None, str | None]:
    """(model, None), or (None, why it is unavailable)."""
    return _current(load, ModelFileError, settings.RISK_MODEL_PATH)


def current_photo_estimator() -> tuple[Estimator | None, str | None]:
    """(estimator, None), or (None, why it is unavailable)."""
    return _current(load_estimator, EstimatorFileError, settings.PHOTO_ESTIMATOR_PATH)
