"""Fixtures for the tracker tests: Norfolk's and Suffolk's offices and forces with one person in
each role, a Norfolk CDI report with two recommendations and an AFI tracked by Norfolk's
office, and real evidence files of every accepted type, made by the libraries that write them."""

import io
from datetime import date

import pytest

from accounts.models import Membership
from inspections.models import Addressee, Finding
from inspections.services import finding_add
from tests.factories import (
    AfiFactory,
    RecommendationFactory,
    ReportFactory,
    force_user,
    office_user,
    policing_body,
)
from tracking.services import tracker_item_create

REPORT_PUBLISHED = date(2020, 1, 7)


@pytest.fixture
def norfolk(db):
    return policing_body("norfolk-pcc")


@pytest.fixture
def suffolk(db):
    return policing_body("suffolk-pcc")


@pytest.fixture
def drafter(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")


@pytest.fixture
def approver(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_APPROVER, full_name="Alex Approver")


@pytest.fixture
def force_person(norfolk):
    return force_user(norfolk.force, full_name="Frankie Force")


@pytest.fixture
def suffolk_drafter(suffolk):
    return office_user(suffolk, Membership.Role.OPCC_DRAFTER, full_name="Sam Suffolk")


@pytest.fixture
def suffolk_force_person(suffolk):
    return force_user(suffolk.force, full_name="Sandy Suffolk Constabulary")


@pytest.fixture
def report(norfolk, drafter):
    """R1 (within six months, so its target date is 7 July 2020), R2 (no timescale), AFI1."""
    report = ReportFactory(
        title="Norfolk crime data integrity inspection 2019",
        published_on=REPORT_PUBLISHED,
        forces=[norfolk.force],
    )
    finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should audit its crime recording.",
        reference="R1",
        addressees=[Addressee.FORCE],
        timescale_text="within six months",
        acting_user=drafter,
    )
    RecommendationFactory(report=report)
    AfiFactory(report=report)
    return report


@pytest.fixture
def findings(report):
    return list(report.findings.order_by("position"))


@pytest.fixture
def items(findings, norfolk, drafter):
    """Norfolk's tracker items for R1, R2 and AFI1, in that order."""
    return [
        tracker_item_create(finding=f, policing_body=norfolk, acting_user=drafter) for f in findings
    ]


@pytest.fixture
def item(items):
    return items[0]


@pytest.fixture
def suffolk_item(suffolk, suffolk_drafter):
    report = ReportFactory(title="Suffolk PEEL inspection", forces=[suffolk.force])
    finding = RecommendationFactory(report=report)
    return tracker_item_create(finding=finding, policing_body=suffolk, acting_user=suffolk_drafter)


# --- Real files of each accepted type ------------------------------------------------------


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (29, 112, 184)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 112, 60)).save(out, format="JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Crime recording audit: action plan complete.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Audit", "Result"])
    workbook.active.append(["Incidents checked", 100])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
