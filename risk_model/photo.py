"""Skin photos with NeoCare's calibration card: colour correction, quality gate, features.

The card (`CARD`, documented in docs/calibration-card.md) is a rectangle with eight reference
patches around a window through which the skin shows. The app reports where the card is in the
frame (normalised rectangle). From it we sample the patches, fit a colour correction in linear
RGB by least squares (observed patches → their reference values), apply it to the skin seen
through the window and describe the corrected skin in CIELAB. A photo is screening, never a
measurement (DOMAIN.md).

Also here: a SYNTHETIC photo renderer (varied skin tone, bilirubin level, illuminant, camera,
noise, JPEG) to train and test the estimate. Its skin model — yellowness b* rising with
bilirubin — is an ASSUMPTION of plausible size, not a published calibration.
"""

import io
import json
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Patch:
    name: str
    srgb: tuple[int, int, int]  # reference colour, 8-bit sRGB
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in card coordinates (0–1)


# NeoCare card v1: top row neutrals, bottom row colours, the skin window in the middle band.
_TOP, _BOTTOM = (0.05, 0.07, 0.95, 0.30), (0.05, 0.70, 0.95, 0.93)


def _row(band, names_and_colours):
    x0, y0, x1, y1 = band
    step = (x1 - x0) / len(names_and_colours)
    return [
        Patch(name, colour, (x0 + k * step + 0.01, y0, x0 + (k + 1) * step - 0.01, y1))
        for k, (name, colour) in enumerate(names_and_colours)
    ]


CARD = _row(
    _TOP,
    [
        ("white", (243, 243, 242)),
        ("grey_light", (200, 200, 200)),
        ("grey_mid", (122, 122, 121)),
        ("grey_dark", (52, 52, 52)),
    ],
) + _row(
    _BOTTOM,
    [
        ("red", (175, 54, 60)),
        ("green", (70, 148, 73)),
        ("blue", (56, 61, 150)),
        ("yellow", (231, 199, 31)),
    ],
)
WINDOW = (0.30, 0.38, 0.70, 0.62)  # where the skin shows, card coordinates
NEUTRALS = ("white", "grey_light", "grey_mid", "grey_dark")

# Quality gate (linear light, 0–1), engineering choices to be tuned on real photos.
UNDEREXPOSED_WHITE = 0.20
OVEREXPOSED_FRACTION = 0.02  # share of card pixels at the sensor's ceiling
MIN_SHARPNESS = 4.0  # mean edge strength on the card resized to SHARPNESS_WIDTH (8-bit units)
SHARPNESS_WIDTH = 200
MIN_CARD_PIXELS = 40 * 25
# JPEGs are decoded at the smallest DCT scale that keeps this many pixels on the long side.
ANALYSIS_MAX_SIDE = 512


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(np.asarray(c, dtype=float), 0, 1)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


_RGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def linear_to_lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.asarray(rgb, dtype=float) @ _RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def lab_to_linear(lab: np.ndarray) -> np.ndarray:
    lab = np.asarray(lab, dtype=float)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    xyz = np.where(f**3 > 216 / 24389, f**3, (116 * f - 16) / (24389 / 27)) * _WHITE_D65
    return xyz @ np.linalg.inv(_RGB_TO_XYZ).T


REFERENCE_LINEAR = {p.name: srgb_to_linear(np.array(p.srgb) / 255) for p in CARD}


@dataclass
class Analysis:
    usable: bool
    reason: str | None = None  # why not usable: the one thing to fix
    lab: tuple[float, float, float] | None = None  # corrected skin (or raw, uncorrected)
    seconds: float | None = None


def _mean(pixels: np.ndarray, box, inner: float = 0.5) -> np.ndarray:
    """Mean colour of the inner part of a box (card coordinates) of the card image."""
    h, w, _ = pixels.shape
    x0, y0, x1, y1 = box
    mx, my = (x1 - x0) * (1 - inner) / 2, (y1 - y0) * (1 - inner) / 2
    region = pixels[
        int((y0 + my) * h) : int((y1 - my) * h), int((x0 + mx) * w) : int((x1 - mx) * w)
    ]
    return region.reshape(-1, 3).mean(axis=0)


def fit_correction(observed: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Least-squares 3×4 affine map, observed linear RGB (n×3) → reference linear RGB."""
    design = np.column_stack([observed, np.ones(len(observed))])
    matrix, *_ = np.linalg.lstsq(design, reference, rcond=None)
    return matrix  # (4, 3)


def analyse(image: Image.Image, card_rect: dict, *, correct: bool = True) -> Analysis:
    """Quality gate, then the corrected skin colour in CIELAB.

    JPEGs are decoded at reduced size (draft mode): the card needs a few hundred pixels a side,
    not twelve million.
    """
    if image.format == "JPEG":
        scale = min(1.0, ANALYSIS_MAX_SIDE / max(image.size))
        image.draft("RGB", (int(image.width * scale), int(image.height * scale)))
    image = image.convert("RGB")
    w, h = image.size
    x, y = card_rect["x"] * w, card_rect["y"] * h
    box = (int(x), int(y), int(x + card_rect["w"] * w), int(y + card_rect["h"] * h))
    card = image.crop(box)
    if card.width * card.height < MIN_CARD_PIXELS:
        return Analysis(False, "card_too_small")
    raw = np.asarray(card, dtype=float) / 255
    if (raw >= 0.995).mean() > OVEREXPOSED_FRACTION:
        return Analysis(False, "overexposed")  # clipped: no colour can be trusted
    pixels = srgb_to_linear(raw)
    observed = {p.name: _mean(pixels, p.box) for p in CARD}
    neutrals = [observed[n].mean() for n in NEUTRALS]
    if any(a <= 1.2 * b for a, b in zip(neutrals, neutrals[1:], strict=False)):
        return Analysis(False, "card_not_found")  # the patches do not lie where the card says
    # Sharpness on the card at a fixed size, so that it does not depend on the resolution.
    height = max(8, SHARPNESS_WIDTH * card.height // card.width)
    fixed = card.convert("L").resize((SHARPNESS_WIDTH, height))
    edges = np.asarray(fixed.filter(ImageFilter.FIND_EDGES), dtype=float)
    if edges[2:-2, 2:-2].mean() < MIN_SHARPNESS:
        return Analysis(False, "blurred")
    if observed["white"].mean() < UNDEREXPOSED_WHITE:
        return Analysis(False, "underexposed")
    skin = _mean(pixels, WINDOW, inner=0.8)
    if skin.mean() < 0.02 or skin.mean() > 0.95:
        return Analysis(False, "no_skin")
    if correct:
        matrix = fit_correction(
            np.array([observed[p.name] for p in CARD]),
            np.array([REFERENCE_LINEAR[p.name] for p in CARD]),
        )
        skin = np.clip(np.append(skin, 1.0) @ matrix, 0, 1)
    lab = linear_to_lab(skin)
    return Analysis(True, lab=tuple(float(v) for v in lab))


# --- Synthetic photos (ASSUMPTION: see the module docstring) -----------------------------------
SKIN_L_RANGE = (58.0, 78.0)  # CIELAB lightness from darker to lighter newborn skin
SKIN_A = 14.0
SKIN_B_AT_ZERO = 12.0
SKIN_B_PER_MG_DL = 1.2  # yellowness per mg/dL of serum bilirubin


def skin_lab(level_mg_dl: float, tone: float) -> np.ndarray:
    """`tone` 0 (light) … 1 (dark)."""
    lightness = SKIN_L_RANGE[1] - tone * (SKIN_L_RANGE[1] - SKIN_L_RANGE[0])
    return np.array(
        [
            lightness - 0.15 * level_mg_dl,
            SKIN_A + 3 * tone,
            SKIN_B_AT_ZERO + SKIN_B_PER_MG_DL * level_mg_dl,
        ]
    )


def render(
    rng: np.random.Generator,
    level_mg_dl: float,
    *,
    size: tuple[int, int] = (320, 240),
    card_rect: dict | None = None,
    blur: float = 0.0,
    exposure: float = 1.0,
) -> tuple[Image.Image, dict]:
    """A synthetic JPEG photo of skin behind the card, under a random illuminant and camera."""
    card_rect = card_rect or {"x": 0.2, "y": 0.2, "w": 0.6, "h": 0.6}
    w, h = size
    tone = rng.uniform(0, 1)
    # Illuminant from warm indoor (~2800 K) to daylight: per-channel gains in linear light.
    warmth = rng.uniform(0, 1)
    gains = np.array([1.0 + 0.35 * warmth, 1.0 + 0.05 * warmth, 1.0 - 0.45 * warmth])
    gains *= exposure * rng.uniform(0.75, 1.05) / gains.max()
    camera = np.eye(3) + rng.normal(0, 0.04, (3, 3))  # sensor crosstalk
    scene = np.full((h, w, 3), 0.18)  # neutral background
    cx0, cy0 = int(card_rect["x"] * w), int(card_rect["y"] * h)
    cw, ch = int(card_rect["w"] * w), int(card_rect["h"] * h)
    scene[cy0 : cy0 + ch, cx0 : cx0 + cw] = 0.6  # card base

    def paint(box, colour):
        x0, y0, x1, y1 = box
        scene[cy0 + int(y0 * ch) : cy0 + int(y1 * ch), cx0 + int(x0 * cw) : cx0 + int(x1 * cw)] = (
            colour
        )

    for patch in CARD:
        paint(patch.box, REFERENCE_LINEAR[patch.name])
    skin = np.clip(lab_to_linear(skin_lab(level_mg_dl, tone)), 0, 1)
    paint(WINDOW, skin)
    shot = np.clip((scene * gains) @ camera.T + rng.normal(0, 0.006, scene.shape), 0, 1)
    image = Image.fromarray((linear_to_srgb(shot) * 255).round().astype(np.uint8))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=int(rng.integers(70, 95)))
    out.seek(0)
    return Image.open(out), card_rect


# --- The estimate -------------------------------------------------------------------------------
# A linear regression (ridge) from the corrected skin's L*, a*, b* to bilirubin in mg/dL, with a
# band from held-out residuals (split conformal: the band holds BAND_COVERAGE of held-out photos).
# Trained on SYNTHETIC photos only: the coefficients mean nothing clinically until refitted on
# photos paired with serum bilirubin. Stored as JSON: four numbers and a band, readable by anyone.
ESTIMATOR_FORMAT = 1
BAND_COVERAGE = 0.90
TRAINED_LEVELS_MG_DL = (0.0, 22.0)


class EstimatorFileError(Exception):
    """The estimator file is missing, damaged or of another format."""


@dataclass(frozen=True)
class Estimate:
    mg_dl: float
    low_mg_dl: float
    high_mg_dl: float


@dataclass(frozen=True)
class Estimator:
    coefficients: tuple[float, float, float]  # per unit of L*, a*, b*
    intercept: float
    band_mg_dl: float  # half-width of the BAND_COVERAGE interval
    version: str
    metrics: dict  # held-out correlation and MAE, photos used

    def estimate(self, lab: tuple[float, float, float]) -> Estimate:
        value = self.intercept + float(np.dot(self.coefficients, lab))
        return Estimate(
            mg_dl=round(max(value, 0.0), 1),
            low_mg_dl=round(max(value - self.band_mg_dl, 0.0), 1),
            high_mg_dl=round(max(value + self.band_mg_dl, 0.0), 1),
        )


def synthetic_features(
    n_photos: int, seed: int, *, correct: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """L*a*b* of the usable ones among `n_photos` synthetic photos, and their true levels."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in tqdm(range(n_photos), desc="photos", unit="photo", disable=n_photos < 5000):
        level = rng.uniform(*TRAINED_LEVELS_MG_DL)
        result = analyse(*render(rng, level), correct=correct)
        if result.usable:
            X.append(result.lab)
            y.append(level)
    return np.array(X), np.array(y)


def train_estimator(n_photos: int = 3000, seed: int = 2026, *, correct: bool = True) -> Estimator:
    """Fit on half the synthetic photos, measure and size the band on the other half."""
    from sklearn.linear_model import Ridge

    X, y = synthetic_features(n_photos, seed, correct=correct)
    half = len(y) // 2
    ridge = Ridge(alpha=1.0).fit(X[:half], y[:half])
    predicted = ridge.predict(X[half:])
    residuals = np.abs(predicted - y[half:])
    n = len(residuals)
    band = float(np.quantile(residuals, min(1.0, np.ceil((n + 1) * BAND_COVERAGE) / n)))
    return Estimator(
        coefficients=tuple(float(c) for c in ridge.coef_),
        intercept=float(ridge.intercept_),
        band_mg_dl=round(band, 2),
        version=f"photo-ridge-s{seed}-n{n_photos}" + ("" if correct else "-uncorrected"),
        metrics={
            "photos": int(len(y)),
            "held_out": n,
            "r": round(float(np.corrcoef(predicted, y[half:])[0, 1]), 3),
            "mae_mg_dl": round(float(residuals.mean()), 2),
            "band_coverage": BAND_COVERAGE,
            "synthetic": True,
        },
    )


def save_estimator(estimator: Estimator, path) -> None:
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": ESTIMATOR_FORMAT, **asdict(estimator)}
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_text(json.dumps(data, indent=2))
    temporary.replace(path)


def load_estimator(path) -> Estimator:
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError as exc:
        raise EstimatorFileError(f"no photo estimator at {path}") from exc
    except (OSError, ValueError) as exc:
        raise EstimatorFileError(f"photo estimator {path} is unreadable: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != ESTIMATOR_FORMAT:
        raise EstimatorFileError(f"photo estimator {path} is not format {ESTIMATOR_FORMAT}")
    try:
        estimator = Estimator(
            coefficients=tuple(float(c) for c in data["coefficients"]),
            intercept=float(data["intercept"]),
            band_mg_dl=float(data["band_mg_dl"]),
            version=str(data["version"]),
            metrics=dict(data["metrics"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EstimatorFileError(f"photo estimator {path} is damaged: {exc}") from exc
    if len(estimator.coefficients) != 3 or not estimator.band_mg_dl > 0:
        raise EstimatorFileError(f"photo estimator {path} is damaged: bad coefficients or band")
    return estimator
