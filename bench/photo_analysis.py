"""Photo analysis (issue #6), side by side in one run:

1. Time to analyse one 12-megapixel JPEG (4000×3000): decoded at reduced size (JPEG draft
   mode, the default) and decoded in full. Target: a few tens of milliseconds.
2. The estimate on SYNTHETIC held-out photos under mixed illuminants: correlation with the true
   level and mean absolute error, with the card's colour correction and without it.

    .venv/bin/python bench/photo_analysis.py
"""

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from risk_model import photo  # noqa: E402

RUNS = 20
PHOTOS = 1000


def twelve_megapixels() -> tuple[bytes, dict]:
    image, rect = photo.render(np.random.default_rng(1), 12.0, size=(4000, 3000))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue(), rect


def time_analysis(data: bytes, rect: dict, max_side: int) -> list[float]:
    photo.ANALYSIS_MAX_SIDE = max_side
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = photo.analyse(Image.open(io.BytesIO(data)), rect)
        samples.append(time.perf_counter() - start)
        assert result.usable, result.reason
    return samples


def main():
    data, rect = twelve_megapixels()
    default = photo.ANALYSIS_MAX_SIDE
    draft = time_analysis(data, rect, default)
    full = time_analysis(data, rect, 10**6)
    photo.ANALYSIS_MAX_SIDE = default
    print(f"12 MP JPEG ({len(data) // 1000} kB), {RUNS} runs each, median / max ms:")
    print(
        f"  draft decode (long side ≥ {default} px): "
        f"{statistics.median(draft) * 1000:7.1f} / {max(draft) * 1000:7.1f}"
    )
    print(
        f"  full decode:                           "
        f"{statistics.median(full) * 1000:7.1f} / {max(full) * 1000:7.1f}"
    )
    for correct in (True, False):
        # The production estimator's training (risk_model.photo.train_estimator), same photos.
        estimator = photo.train_estimator(PHOTOS, seed=2027, correct=correct)
        m = estimator.metrics
        label = "with card correction   " if correct else "without card correction"
        print(
            f"estimate {label}: r = {m['r']:.3f}, MAE = {m['mae_mg_dl']:.2f} mg/dL, "
            f"90 % band ±{estimator.band_mg_dl:.2f} mg/dL "
            f"({PHOTOS} synthetic photos, half held out)"
        )


if __name__ == "__main__":
    main()
