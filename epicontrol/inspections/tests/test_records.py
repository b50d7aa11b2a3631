from __future__ import annotations

import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from epicontrol.core.models import AuditEntry
from epicontrol.inspections.choices import FindingStatus, TaskStatus
from epicontrol.inspections.errors import (
    ClientIdConflict,
    IncompleteRecord,
    InspectionDenied,
    InvalidInput,
    PhotoInvalidType,
    PhotoTooLarge,
    RecordNotCurrent,
    TaskAlreadySubmitted,
)
from epicontrol.inspections.models import Finding, InspectionRecord, ItemResult, Photo
from epicontrol.inspections.services.records import (
    PhotoInput,
    ProblemInput,
    ResultInput,
    record_correct,
    record_submit,
)
from epicontrol.inspections.targets import Target

from .factories import all_pass, fail, make_task, submit

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, format="PNG")
    return SimpleUploadedFile("现场.png", buf.getvalue(), content_type="image/png")


def test_submission_computes_the_score_and_closes_the_task(supervisor: Any, task: Any) -> None:
    tpl = task.template
    results = all_pass(
        tpl,
        **{
            "1.1": fail("1.1", "预案未更新"),
            "5.1": ResultInput(item_code="5.1", occurrences=2),  # 2 × 2 points
        },
    )
    record = submit(actor=supervisor, task=task, results=results)
    # Community sheet: 78 points in all; 1.1 is worth 4; 5.1 loses 4 of its 8.
    assert record.max_score == Decimal(78)
    assert record.total_score == Decimal(70)
    assert record.deductions == Decimal(4)
    assert record.percent == Decimal("89.74")
    assert (record.passed, record.vetoed) == (True, False)
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    assert set(Finding.objects.filter(record=record).values_list("item_code", flat=True)) == {
        "1.1",
        "5.1",
    }
    assert AuditEntry.objects.filter(
        action="inspections.record_submitted", target_id=str(record.pk)
    ).exists()


def test_a_veto_item_fails_the_record(supervisor: Any, task: Any) -> None:
    record = submit(
        actor=supervisor, task=task, results=all_pass(task.template, **{"4.5": fail("4.5")})
    )
    assert record.percent > Decimal(90)
    assert (record.vetoed, record.passed) == (True, False)
    assert Finding.objects.get(record=record).severity == "high"


def test_a_resent_submission_is_stored_once(supervisor: Any, task: Any) -> None:
    client_id = uuid.uuid4()
    results = all_pass(task.template, **{"1.1": fail("1.1")})
    first, created = record_submit(
        actor=supervisor, task=task, client_id=client_id, results=results
    )
    again, created_again = record_submit(
        actor=supervisor, task=task, client_id=client_id, results=results
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert InspectionRecord.objects.count() == 1
    assert Finding.objects.count() == 1
    assert ItemResult.objects.count() == task.template.items.count()


def test_a_client_id_cannot_be_reused_for_another_task(
    supervisor: Any, group: Any, task: Any, township: Any
) -> None:
    client_id = uuid.uuid4()
    submit(actor=supervisor, task=task, client_id=client_id)
    other = make_task(actor=supervisor, group=group, target=Target(jurisdiction=township))
    with pytest.raises(ClientIdConflict) as exc:
        submit(actor=supervisor, task=other, client_id=client_id)
    assert exc.value.code == "record.client_id_conflict"


def test_a_second_submission_with_a_new_id_is_refused(supervisor: Any, task: Any) -> None:
    submit(actor=supervisor, task=task)
    with pytest.raises(TaskAlreadySubmitted) as exc:
        submit(actor=supervisor, task=task)
    assert exc.value.status == 409


def test_every_item_needs_a_result(supervisor: Any, task: Any) -> None:
    with pytest.raises(IncompleteRecord) as exc:
        submit(actor=supervisor, task=task, results=all_pass(task.template)[1:])
    assert exc.value.code == "record.incomplete"
    assert exc.value.details["items"] == ["1.1"]
    with pytest.raises(InvalidInput) as unknown:
        submit(
            actor=supervisor,
            task=task,
            results=[*all_pass(task.template), ResultInput(item_code="X9", outcome="pass")],
        )
    assert unknown.value.code == "record.unknown_item"


def test_only_group_members_record(province_officer: Any, county_officer: Any, task: Any) -> None:
    for outsider in (county_officer, province_officer):
        with pytest.raises(InspectionDenied):
            submit(actor=outsider, task=task)


def test_free_text_problems_and_on_the_spot_rectification(supervisor: Any, task: Any) -> None:
    record = submit(
        actor=supervisor,
        task=task,
        results=all_pass(task.template, **{"5.2": fail("5.2", on_spot=True)}),
        problems=[ProblemInput(description="楼道堆放杂物", severity="low", category="环境")],
    )
    by_code = {f.item_code: f for f in Finding.objects.filter(record=record)}
    assert by_code["5.2"].status == FindingStatus.RECTIFIED_ON_SPOT
    assert by_code["5.2"].closed_on == record.inspected_on
    assert by_code[""].status == FindingStatus.FOUND
    assert by_code[""].category == "环境"
    # Deadline from the policy: 7 days for a minor problem.
    assert (by_code[""].deadline - record.inspected_on).days == 7


def test_a_submitted_record_is_corrected_as_a_new_version(
    supervisor: Any, task: Any, county_officer: Any
) -> None:
    v1 = submit(
        actor=supervisor,
        task=task,
        results=all_pass(task.template, **{"1.1": fail("1.1"), "1.2": fail("1.2")}),
    )
    v1_total = v1.total_score
    results = all_pass(task.template, **{"1.2": fail("1.2"), "2.1": fail("2.1")})
    with pytest.raises(InvalidInput) as exc:
        record_correct(
            actor=supervisor, record=v1, client_id=uuid.uuid4(), results=results, reason=" "
        )
    assert exc.value.code == "record.reason_required"
    with pytest.raises(InspectionDenied):
        record_correct(
            actor=county_officer, record=v1, client_id=uuid.uuid4(), results=results, reason="x"
        )
    v2, _ = record_correct(
        actor=supervisor,
        record=v1,
        client_id=uuid.uuid4(),
        results=results,
        reason="1.1 误判，2.1 漏记",
    )
    v1.refresh_from_db()
    assert (v2.version, v2.supersedes_id, v2.is_current) == (2, v1.pk, True)
    assert v1.is_current is False
    assert v1.total_score == v1_total  # the old version is unchanged
    assert v1.results.filter(failed=True).count() == 2
    statuses = dict(Finding.objects.filter(record__task=task).values_list("item_code", "status"))
    assert statuses == {"1.1": "withdrawn", "1.2": "found", "2.1": "found"}
    assert AuditEntry.objects.filter(action="inspections.record_corrected").count() == 1
    with pytest.raises(RecordNotCurrent):
        record_correct(
            actor=supervisor, record=v1, client_id=uuid.uuid4(), results=results, reason="again"
        )


def test_photos_are_stored_with_time_and_place(supervisor: Any, task: Any, settings: Any) -> None:
    record = submit(
        actor=supervisor,
        task=task,
        photos=[
            PhotoInput(
                upload=png(), item_code="5.1", latitude=Decimal("27.8"), longitude=Decimal("113.1")
            )
        ],
    )
    photo = Photo.objects.get(record=record)
    assert (photo.content_type, photo.item_code, photo.width) == ("image/png", "5.1", 8)
    assert photo.latitude == Decimal("27.8")
    assert photo.taken_at is not None
    assert photo.file.name.startswith("inspections/photos/")
    assert "现场" not in photo.file.name
    assert photo.file.storage.exists(photo.file.name)


def test_a_photo_that_is_not_an_image_is_refused(supervisor: Any, task: Any) -> None:
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(PhotoInvalidType) as exc:
        submit(actor=supervisor, task=task, photos=[PhotoInput(upload=fake)])
    assert (exc.value.code, exc.value.status) == ("photo.invalid_type", 415)
    assert InspectionRecord.objects.count() == 0  # the whole submission rolled back


def test_a_gif_is_refused(supervisor: Any, task: Any) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="GIF")
    gif = SimpleUploadedFile("x.gif", buf.getvalue(), content_type="image/gif")
    with pytest.raises(PhotoInvalidType):
        submit(actor=supervisor, task=task, photos=[PhotoInput(upload=gif)])


def test_a_photo_over_the_limit_is_refused(supervisor: Any, task: Any) -> None:
    from epicontrol.core.models import PolicyVersion

    version = PolicyVersion.objects.get(domain="inspections")
    version.params = {**version.params, "photo_max_bytes": 50}
    version.save()
    with pytest.raises(PhotoTooLarge) as exc:
        submit(actor=supervisor, task=task, photos=[PhotoInput(upload=png((64, 64)))])
    assert (exc.value.code, exc.value.status) == ("photo.too_large", 413)
