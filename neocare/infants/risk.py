"""The risk model in the service: loaded once per process, from `settings.RISK_MODEL_PATH`.

A process keeps the model it loaded until the file on disk changes (a retrained model is picked
up without a restart). Without a usable file the service still assesses every reading with the
guideline engine alone, and each assessment says the model was unavailable and why.
"""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings

from risk_model.model import ModelFileError, TrainedModel, load

logger = logging.getLogger(__name__)


@cache
def _load(path: Path, modified: float | None) -> tuple[TrainedModel | None, str | None]:
    try:
        model = load(path)
    except ModelFileError as exc:
        logger.error("risk model unavailable, assessing with the guideline alone: %s", exc)
        return None, str(exc)
    logger.info("risk model %s loaded from %s", model.version, path)
    return model, None


def current_model() -> tuple[TrainedModel | None, str | None]:
    """(model, None), or (None, why it is unavailable)."""
    path = Path(settings.RISK_MODEL_PATH)
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        modified = None
    return _load(path, modified)
