"""Photos upload safely: hostile files are refused with a clear 400, stored photos carry no
metadata, and photos are served only through the scoped, audited API."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageCms

from neocare.audit.models import AuditEvent
from neocare.photos.models import Photo
from neocare.photos.services import photo_path

CARD = json.dumps({"x": 0.1, "y": 0.6, "w": 0.5, "h": 0.3})


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"
    return settings.PHOTO_STORAGE_DIR


def jpeg(size=(64, 48), colour=(230, 200, 150), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", **save)
    return out.getvalue()


def with_gps_and_rotation() -> bytes:
    """A 64×48 JPEG whose EXIF says: rotate 90° (orientation 6), taken at 23.1° N 113.3° E."""
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (23.0, 6.0, 0.0), 3: "E", 4: (113.0, 18.0, 0.0)})
    return jpeg(exif=exif.tobytes())


# One time for the module's uploads: a retry sends the same body, time included.
TAKEN_AT = (timezone.now() - timedelta(minutes=5)).isoformat()


def upload(client, infant, data, *, name="skin.jpg", key="photo-key-0001", **fields):
    body = {
        "image": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        "taken_at": TAKEN_AT,
        "body_site": "forehead",
        "card_rect": CARD,
        "idempotency_key": key,
        **fields,
    }
    return client.post(f"/api/v1/infants/{infant.public_id}/photos/", body, format="multipart")


@pytest.fixture
def parent(world, client_for):
    return client_for(world.personas["guardian"])


def stored(photo_id) -> Image.Image:
    return Image.open(photo_path(Photo.objects.get(public_id=photo_id)))


def test_a_photo_is_stored_rotated_and_stripped_of_every_metadata(world, parent, storage):
    response = upload(parent, world.ours, with_gps_and_rotation())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    image = stored(body["id"])
    assert image.size == (48, 64)  # orientation applied
    assert len(image.getexif()) == 0  # no EXIF at all, so no GPS
    assert "icc_profile" not in image.info and "exif" not in image.info
    raw = photo_path(Photo.objects.get(public_id=body["id"])).read_bytes()
    assert b"Exif" not in raw
    assert [p.name for p in storage.iterdir()] == [Photo.objects.get().storage_name]
    assert AuditEvent.objects.filter(object_type="photo", action="create").count() == 1


def test_a_retried_upload_returns_the_first_photo(world, parent, storage):
    first = upload(parent, world.ours, jpeg())
    again = upload(parent, world.ours, jpeg())

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(list(storage.iterdir())) == 1


def test_a_key_reused_with_another_body_site_is_a_conflict(world, parent, storage):
    first = upload(parent, world.ours, jpeg())
    corrected = upload(parent, world.ours, jpeg(), body_site="sternum")

    assert (first.status_code, corrected.status_code) == (201, 409)
    assert "body_site" in corrected.json()["idempotency_key"][0]
    assert Photo.objects.get().body_site == "forehead"


def test_a_key_reused_for_a_different_image_is_a_conflict(world, parent, storage):
    first = upload(parent, world.ours, jpeg(colour=(230, 200, 150)))
    other = upload(parent, world.ours, jpeg(colour=(200, 170, 120)))  # same key, other bytes

    assert first.status_code == 201
    assert other.status_code == 409
    assert "different image" in other.json()["idempotency_key"][0]
    assert Photo.objects.count() == 1
    assert len(list(storage.iterdir())) == 1  # the second image was not kept


def test_a_png_named_jpg_is_identified_by_its_content(world, parent):
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (200, 180, 150)).save(out, format="PNG")

    response = upload(parent, world.ours, out.getvalue(), name="photo.jpg")

    assert response.status_code == 201
    assert Photo.objects.get().source_format == "PNG"


def gif_animation() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 255, 0))]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def webp_animation() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 255, 0))]
    frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:])
    return out.getvalue()


def big_png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (3000, 3000), 0).save(out, format="PNG")  # compresses to a few kB
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: jpeg()[: len(jpeg()) // 2], "Please take it again"),
        (lambda: jpeg() + b"PK\x03\x04" + b"zip content " * 20, "other data"),
        (gif_animation, "not a JPEG, PNG, WebP or HEIC"),
        (webp_animation, "not an animation"),
        (lambda: b"<html><script>alert(1)</script></html>", "not a JPEG, PNG, WebP or HEIC"),
        (big_png, "too many pixels"),
    ],
    ids=["truncated", "polyglot", "gif", "animated-webp", "html", "decompression-bomb"],
)
def test_hostile_files_are_refused_with_a_reason_and_nothing_is_kept(
    world, parent, storage, settings, make, message
):
    settings.PHOTO_MAX_PIXELS = 4_000_000  # the bomb's header says 9,000,000

    response = upload(parent, world.ours, make())

    assert response.status_code == 400
    assert message in response.json()["image"][0]
    assert not Photo.objects.exists()
    assert not storage.exists() or not list(storage.iterdir())


def test_a_pillow_decompression_bomb_is_refused_before_decoding(world, parent, settings):
    """Above Pillow's own limit the header alone triggers the refusal."""
    settings.PHOTO_MAX_PIXELS = 10**12
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = 1_000_000
    try:
        response = upload(parent, world.ours, big_png())
    finally:
        Image.MAX_IMAGE_PIXELS = limit

    assert response.status_code == 400
    assert "too many pixels" in response.json()["image"][0]


def test_an_oversized_file_is_refused(world, parent, settings):
    settings.PHOTO_MAX_BYTES = 1_000

    response = upload(parent, world.ours, jpeg(size=(400, 400), quality=100))

    assert response.status_code == 400 and "too large" in response.json()["image"][0]


def test_a_cmyk_jpeg_is_stored_as_srgb(world, parent):
    out = io.BytesIO()
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(out, format="JPEG")  # red ink

    response = upload(parent, world.ours, out.getvalue())

    image = stored(response.json()["id"])
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def _with_profile(profile) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 128, 128)).save(
        out, format="JPEG", icc_profile=ImageCms.ImageCmsProfile(profile).tobytes(), quality=100
    )
    return out.getvalue()


def test_an_embedded_profile_is_applied_and_dropped(world, parent):
    response = upload(parent, world.ours, _with_profile(ImageCms.createProfile("sRGB")))

    assert response.status_code == 201, response.json()
    image = stored(response.json()["id"])
    assert "icc_profile" not in image.info
    red, green, blue = image.getpixel((10, 10))
    assert abs(red - 200) <= 4 and abs(green - 128) <= 4 and abs(blue - 128) <= 4


def test_a_profile_that_cannot_describe_rgb_pixels_is_refused(world, parent):
    """A LAB profile on RGB pixels: no honest conversion to sRGB exists, so no guessing."""
    response = upload(parent, world.ours, _with_profile(ImageCms.createProfile("LAB")))

    assert response.status_code == 400
    assert "colour profile" in response.json()["image"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("card_rect", json.dumps({"x": 0.8, "y": 0.1, "w": 0.5, "h": 0.2})),
        ("card_rect", "not json"),
        ("body_site", "elbow"),
        ("taken_at", "2026-11-23T10:00:00"),
    ],
)
def test_bad_fields_get_field_level_messages(world, parent, field, value):
    response = upload(parent, world.ours, jpeg(), **{field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not Photo.objects.exists()


def test_the_image_is_served_only_in_scope_audited_and_with_safe_headers(world, parent, client_for):
    photo_id = upload(parent, world.ours, jpeg()).json()["id"]
    url = f"/api/v1/infants/{world.ours.public_id}/photos/{photo_id}/image/"

    response = client_for(world.personas["community_doctor"]).get(url)
    stranger = client_for(world.strangers["community_doctor"]).get(url)
    wrong_infant = client_for(world.strangers["guardian"]).get(
        f"/api/v1/infants/{world.theirs.public_id}/photos/{photo_id}/image/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert (stranger.status_code, wrong_infant.status_code) == (404, 404)
    assert AuditEvent.objects.filter(object_type="photo", action="view").count() == 1


def test_strangers_cannot_upload(world, client_for):
    response = upload(client_for(world.strangers["guardian"]), world.ours, jpeg())

    assert response.status_code == 404
    assert not Photo.objects.exists()


def test_heic_from_a_phone_is_accepted(world, parent):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (230, 200, 150)).save(out, format="HEIF", quality=90)

    response = upload(parent, world.ours, out.getvalue(), name="IMG_0001.HEIC")

    assert response.status_code == 201, response.json()
    assert Photo.objects.get().source_format == "HEIF"
    assert stored(response.json()["id"]).format == "JPEG"
