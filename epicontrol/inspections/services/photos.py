"""Photo evidence: validated (type, size), stored through the default storage with its time and,
when the device gave one, its location."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from epicontrol.core.audit import audit_record
from epicontrol.inspections.errors import PhotoInvalidType, PhotoTooLarge
from epicontrol.inspections.models import Finding, InspectionRecord, InspectionTask, Photo
from epicontrol.inspections.policy import inspection_policy

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _inspect_image(data: bytes, *, allowed: tuple[str, ...]) -> tuple[str, int, int]:
    """(format, width, height) of a real image in an allowed format; else PhotoInvalidType."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = str(image.format or "")
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoInvalidType(field="photo") from None
    if fmt not in allowed or fmt not in CONTENT_TYPES:
        raise PhotoInvalidType(field="photo", format=fmt)
    return fmt, width, height


def photo_validate(upload: UploadedFile, *, on: dt.date) -> tuple[bytes, str, int, int]:
    """Read and check an upload. Raises PhotoTooLarge ("photo.too_large", 413) and
    PhotoInvalidType ("photo.invalid_type", 415)."""
    policy = inspection_policy(on)
    size = upload.size or 0
    if size > policy.photo_max_bytes:
        raise PhotoTooLarge(field="photo", max_bytes=policy.photo_max_bytes, size=size)
    data = upload.read(policy.photo_max_bytes + 1)
    if len(data) > policy.photo_max_bytes:
        raise PhotoTooLarge(field="photo", max_bytes=policy.photo_max_bytes)
    if not data:
        raise PhotoInvalidType(_("The file is empty."), field="photo")
    fmt, width, height = _inspect_image(data, allowed=policy.photo_formats)
    return data, fmt, width, height


@transaction.atomic
def photo_store(
    *,
    actor: Any,
    upload: UploadedFile,
    task: InspectionTask | None = None,
    record: InspectionRecord | None = None,
    finding: Finding | None = None,
    item_code: str = "",
    taken_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Photo:
    """Store one photo for a task item, a record item or a finding's rectification.

    The caller has checked that the actor may add evidence there. Raises PhotoTooLarge and
    PhotoInvalidType.
    """
    now = timezone.now()
    data, fmt, width, height = photo_validate(upload, on=timezone.localdate(now))
    if taken_at is None or taken_at > now:
        # A device clock ahead of the server is not evidence of anything; keep the upload time.
        taken_at = now
    photo = Photo(
        content_type=CONTENT_TYPES[fmt],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        task=task,
        record=record,
        finding=finding,
        item_code=item_code,
    )
    # A random name: the original file name may carry personal data.
    photo.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[fmt]}", ContentFile(data), save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="inspections.photo_stored",
        target=photo,
        changes={
            "task": task.pk if task else None,
            "record": record.pk if record else None,
            "finding": finding.pk if finding else None,
            "item": item_code,
            "sha256": photo.sha256,
            "located": latitude is not None,
        },
    )
    return photo
