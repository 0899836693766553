"""Never trust the file: identify by content, bound the work, decode fully, strip everything.

`sanitise(data)` returns a fresh sRGB JPEG with no metadata at all (EXIF — location above all —
XMP, ICC, comments), the EXIF orientation applied, or raises `Rejected` with a reason a parent
can act on. The original bytes are never written anywhere; they live only in memory for the
length of this call.
"""

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

pillow_heif.register_heif_opener()

# Identified by content (Pillow reads the signature, never the name or the client's header).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# What must end a file of each format: anything after it is another file riding along (a
# polyglot: e.g. a JPEG that is also a ZIP or an HTML page).
TRAILERS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}
TRAILING_SLACK_BYTES = 16  # some cameras pad after the end marker


class Rejected(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Clean:
    jpeg: bytes
    width: int
    height: int
    source_format: str


def _check_trailer(data: bytes, fmt: str) -> None:
    marker = TRAILERS.get(fmt)
    if marker is None:
        return
    end = data.rfind(marker)
    if end < 0:
        raise Rejected(_("The photo file is incomplete. Please take it again."))
    if len(data) - (end + len(marker)) > TRAILING_SLACK_BYTES:
        raise Rejected(_("The photo file carries other data. Please send the photo itself."))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert from the embedded ICC profile (any colour space) to sRGB; drop the profile."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            mode = "RGB"
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            return ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError) as exc:
            raise Rejected(_("The photo's colour profile cannot be read.")) from exc
    return image.convert("RGB")


def sanitise(data: bytes) -> Clean:
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise Rejected(
            _("The photo is too large (at most %(mb)d MB).")
            % {"mb": settings.PHOTO_MAX_BYTES // 1_000_000}
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between 1× and 2× its own pixel limit; refuse instead.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            fmt = image.format
            # The header's size, checked before a single pixel is decoded (decompression bombs).
            width, height = image.size
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise Rejected(_("The photo has too many pixels."))
            if max(width, height) > settings.PHOTO_MAX_DIMENSION:
                raise Rejected(_("The photo is too large in one dimension."))
            if getattr(image, "n_frames", 1) > 1:
                raise Rejected(_("Send a single photo, not an animation."))
            _check_trailer(data, fmt)
            image.load()  # decode everything now: truncated or corrupt files fail here
            image = ImageOps.exif_transpose(image)
            image = _to_srgb(image)
    except Rejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Rejected(_("The photo has too many pixels.")) from exc
    except Image.UnidentifiedImageError as exc:
        raise Rejected(_("This is not a JPEG, PNG, WebP or HEIC photo.")) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated, corrupt
        raise Rejected(_("The photo file is damaged. Please take it again.")) from exc
    out = io.BytesIO()
    # A fresh file: no exif, no icc_profile, no comment passed on.
    image.save(out, format="JPEG", quality=90, optimize=True)
    return Clean(out.getvalue(), image.width, image.height, fmt)
