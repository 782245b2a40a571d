"""The PDF renderer's URL fetcher: only the PDF's own stylesheet and fonts and the media files
(the office's logo); never the network, never this application, never any other file. And
nothing an office or a user types can make the renderer ask for anything else."""

import io
import socket

import pytest
from django.conf import settings
from PIL import Image

from responses.pdf import (
    ASSET_ORIGIN,
    FetchRefused,
    asset_url,
    document_for_preview,
    render_document_html,
    render_pdf,
    resolve_asset,
    safe_fetcher,
)
from responses.services import explanation_save, response_update_text
from tests.conftest import REPO_ROOT

from .test_pdf import figures_alt_text, pdf_text


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "logos").mkdir(parents=True)
    return settings.MEDIA_ROOT


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test (and is recorded)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"the renderer tried to open a connection: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _png(colour="#003087") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, format="PNG")
    return out.getvalue()


# --- what the fetcher serves ----------------------------------------------------------------


def test_serves_the_print_stylesheet_and_the_fonts():
    assert resolve_asset(asset_url("pdf", "print.css")).name == "print.css"
    font = resolve_asset(asset_url("fonts", "LiberationSans-Regular.ttf"))
    assert font == REPO_ROOT / "static" / "pdf" / "fonts" / "LiberationSans-Regular.ttf"


def test_serves_a_logo_from_the_media_folder(media):
    (media / "logos" / "office.png").write_bytes(_png())

    fetcher = safe_fetcher()
    response = fetcher.fetch(asset_url("media", "logos/office.png"))

    assert response.read() == _png()
    assert response.content_type == "image/png"
    assert fetcher.fetched == [asset_url("media", "logos/office.png")]


@pytest.mark.parametrize(
    "url",
    [
        # The network.
        "https://example.com/logo.png",
        "http://example.com/style.css",
        "https://pdf-assets.invalid.example.com/pdf/print.css",
        "ftp://example.com/x.png",
        # Back into this application, by its address or the renderer's own origin.
        "http://127.0.0.1:8000/admin/",
        "http://localhost:8000/responses/1/",
        f"{settings.SITE_URL}/static/dist/app.css",
        f"{ASSET_ORIGIN}/responses/1/",
        f"{ASSET_ORIGIN}/admin/",
        f"{ASSET_ORIGIN}/static/dist/app.css",
        f"{ASSET_ORIGIN}/pdf/print.css?next=/admin/",
        # Other files on this machine.
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/static/pdf/print.css",
        f"{ASSET_ORIGIN}/pdf/../../config/settings.py",
        f"{ASSET_ORIGIN}/pdf/%2e%2e/%2e%2e/config/settings.py",
        f"{ASSET_ORIGIN}/media/../../etc/passwd",
        f"{ASSET_ORIGIN}/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{ASSET_ORIGIN}/fonts/../../../../etc/passwd",
        f"{ASSET_ORIGIN}/fonts/DejaVuSans.ttf",
        # Inline data is not one of our files either.
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{background:url(https://example.com/x)}",
        "javascript:alert(1)",
    ],
)
def test_refuses_anything_else(url, no_network):
    fetcher = safe_fetcher()

    with pytest.raises(FetchRefused):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert fetcher.fetched == []
    assert no_network == []


def test_refuses_media_files_other_than_logos(media):
    (media / "logos" / "notes.txt").write_text("internal notes")
    (media / "logos" / "page.css").write_text("body { background: url(https://example.com/) }")
    (media / "evidence").mkdir()
    (media / "evidence" / "photo.png").write_bytes(_png())
    (media / "top.png").write_bytes(_png())

    for name in (
        "logos/notes.txt",
        "logos/page.css",
        "evidence/photo.png",
        "top.png",
        "logos/../evidence/photo.png",
    ):
        with pytest.raises(FetchRefused):
            resolve_asset(asset_url("media", name))


def test_refuses_a_symlink_out_of_the_media_folder(media, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png())
    (media / "logos" / "link.png").symlink_to(secret)

    with pytest.raises(FetchRefused):
        resolve_asset(asset_url("media", "logos/link.png"))


# --- hostile documents --------------------------------------------------------------------------


HOSTILE_HTML = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
<link rel="stylesheet" href="https://example.com/evil.css">
<link rel="stylesheet" href="/admin/">
<link rel="attachment" href="file:///etc/passwd">
<style>
@import url("http://127.0.0.1:8000/responses/");
@font-face { font-family: X; src: url("https://example.com/font.ttf"); }
body { background: url("file:///etc/passwd"); }
</style></head><body>
<img src="https://example.com/pixel.png" alt="x">
<img src="/media/../../etc/passwd" alt="y">
<img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>" alt="z">
<object data="https://example.com/x.pdf"></object>
<iframe src="https://example.com/"></iframe>
<p style="background-image: url(https://example.com/bg.png)">Text</p>
</body></html>"""


def test_a_hostile_document_cannot_reach_the_network_or_the_app(no_network):
    fetcher = safe_fetcher()

    data = render_pdf(HOSTILE_HTML, fetcher=fetcher)

    assert data.startswith(b"%PDF")
    assert fetcher.fetched == []
    refused = set(fetcher.refused)
    assert "https://example.com/evil.css" in refused
    assert f"{ASSET_ORIGIN}/admin/" in refused
    assert "http://127.0.0.1:8000/responses/" in refused
    assert "https://example.com/font.ttf" in refused
    assert "https://example.com/pixel.png" in refused
    assert "https://example.com/bg.png" in refused
    assert all(not url.startswith(ASSET_ORIGIN + "/pdf/") for url in refused)
    assert no_network == []


def test_a_hostile_svg_logo_cannot_fetch_what_it_links_to(media, no_network):
    (media / "logos" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="100" height="40"><style>@import url("https://example.com/svg.css");</style>'
        '<image href="https://example.com/tracker.png" width="10" height="10"/>'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
        '<rect width="100" height="40" fill="#003087"/></svg>'
    )
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head><body>'
        f'<img src="{asset_url("media", "logos/evil.svg")}" alt="Logo"></body></html>'
    )
    fetcher = safe_fetcher()

    render_pdf(html, fetcher=fetcher)

    assert fetcher.fetched == [asset_url("media", "logos/evil.svg")]
    assert "https://example.com/tracker.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert no_network == []


@pytest.mark.django_db
def test_hostile_text_logo_and_colour_in_a_response_fetch_nothing(flow, media, no_network):
    # Branding is set by an office admin through a validated form, but stored values are not
    # trusted: whatever is in the database is printed as text or dropped.
    body = flow.response.policing_body
    body.name = 'Norfolk <img src="https://example.com/name.png"> Commissioner'
    body.office_name = "Office </title><link rel=stylesheet href=https://example.com/x.css>"
    body.accent_colour = "</style"  # fits the column (7 characters) on PostgreSQL too
    body.logo.name = "../../../etc/passwd"
    body.logo_alt_text = '"><img src="https://example.com/alt.png">'
    body.save()
    hostile = (
        '<img src="https://example.com/a.png"> ![pixel](https://example.com/b.png) '
        "<style>@import url(https://example.com/c.css)</style> "
        '<svg><image href="https://example.com/d.png"/></svg> '
        "[a link](https://example.com/page) <script>fetch('https://example.com/e')</script>"
    )
    response_update_text(
        response=flow.response,
        acting_user=flow.drafter,
        office_comments=hostile,
        reply_to_force=hostile,
    )
    explanation_save(
        response=flow.response,
        finding=flow.report.findings.recommendations().first(),
        acting_user=flow.drafter,
        kind="action_proposed",
        text=hostile,
        force_comment=hostile,
    )
    fetcher = safe_fetcher()
    html = render_document_html(document_for_preview(flow.response))

    data = render_pdf(html, fetcher=fetcher)

    assert fetcher.refused == []
    assert all(
        url.startswith(f"{ASSET_ORIGIN}/pdf/") or url.startswith(f"{ASSET_ORIGIN}/fonts/")
        for url in fetcher.fetched
    )
    assert no_network == []
    text = pdf_text(data)
    # What was typed is printed as text (escaped), not interpreted; the bad logo path is
    # dropped for the office's name, and the colour falls back to the default.
    assert 'Norfolk <img src="https://example.com/name.png"> Commissioner' in text
    assert figures_alt_text(data) == []
    assert "--accent: #1d70b8;" in html
    assert "</style" not in html.split("<style>")[1].split("</style>")[0]


def test_rendering_uses_the_safe_fetcher_unless_given_another(no_network):
    render_pdf(HOSTILE_HTML)

    assert no_network == []


def test_the_network_guard_notices_an_unsafe_fetcher(no_network):
    # The guard above is real: WeasyPrint's own fetcher does try to connect.
    import weasyprint

    weasyprint.HTML(string=HOSTILE_HTML, base_url=ASSET_ORIGIN + "/").write_pdf()

    assert no_network != []
