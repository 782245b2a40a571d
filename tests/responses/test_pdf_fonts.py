"""The PDF's font ships with the project and is loaded by path, so every machine (a fresh clone
without fonts-liberation, CI, the container, production) lays out the same pages."""

import json
import os
import subprocess
import sys

from fontTools.ttLib import TTFont

from responses.pdf import (
    FONT_DIR,
    FONT_FILES,
    asset_url,
    available_fonts,
    render_pdf,
    resolve_asset,
    safe_fetcher,
    sha256,
)
from tests.conftest import REPO_ROOT

#: Renders the HTML in argv[1] and prints the PDF's SHA-256, its pages and its fonts.
RENDER = """
import io, json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
import pikepdf
from responses.pdf import render_pdf, sha256
pdf = render_pdf(open(sys.argv[1], encoding="utf-8").read())
with pikepdf.open(io.BytesIO(pdf)) as document:
    fonts = sorted({str(f.BaseFont).split("+")[-1]
                    for page in document.pages for f in page.Resources.Font.values()})
    print(json.dumps({"sha256": sha256(pdf), "pages": len(document.pages), "fonts": fonts}))
"""

#: A fontconfig configuration that knows no font at all: a machine with no fonts installed.
NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def _html() -> str:
    faces = "".join(
        f'@font-face {{ font-family: "Liberation Sans"; src: url("{face["url"]}"); '
        f"font-weight: {face['weight']}; font-style: {face['style']}; }}"
        for face in available_fonts()
    )
    paragraph = (
        "<p>The force has accepted the recommendation; <b>action</b> is <i>under way</i>.</p>"
    )
    return (
        '<!doctype html><html lang="en-GB"><head><title>Fonts</title>'
        f'<style>{faces}</style><link rel="stylesheet" href="{asset_url("pdf", "print.css")}">'
        f"</head><body><h1>Response to the inspection</h1>{paragraph * 120}</body></html>"
    )


def test_the_four_faces_of_liberation_sans_2_ship_with_their_open_font_licence():
    assert REPO_ROOT / "static" / "pdf" / "fonts" == FONT_DIR
    for name in FONT_FILES:
        names = TTFont(FONT_DIR / name)["name"]
        assert names.getDebugName(1) == "Liberation Sans"
        # Version 2 is under the SIL Open Font License; Debian's fonts-liberation (1.x) is GPL.
        assert names.getDebugName(5).startswith("Version 2."), names.getDebugName(5)
        assert "SIL Open Font License" in names.getDebugName(13)
    licence = (FONT_DIR / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name Liberation" in licence


def test_the_renderer_reads_the_shipped_files_and_nothing_else():
    for name in FONT_FILES:
        assert resolve_asset(asset_url("fonts", name)) == FONT_DIR / name
    fetcher = safe_fetcher()
    render_pdf(_html(), fetcher=fetcher)
    assert fetcher.refused == []
    assert {asset_url("fonts", name) for name in FONT_FILES} <= set(fetcher.fetched)


def test_a_machine_without_any_fonts_renders_the_same_bytes(tmp_path):
    html = tmp_path / "document.html"
    html.write_text(_html(), encoding="utf-8")
    config = tmp_path / "fonts.conf"
    config.write_text(NO_FONTS.format(cache=tmp_path / "cache"))

    def render(**env):
        result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
            [sys.executable, "-c", RENDER, str(html)],
            cwd=REPO_ROOT,
            env={**_environment(), **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    here = render()
    bare = render(FONTCONFIG_FILE=str(config))

    assert here["fonts"] == ["Liberation-Sans", "Liberation-Sans-Bold", "Liberation-Sans-Italic"]
    assert bare == here
    # And the same as this test process renders.
    assert sha256(render_pdf(html.read_text(encoding="utf-8"))) == here["sha256"]


def _environment() -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FONTCONFIG")}
    environment["PYTHONPATH"] = str(REPO_ROOT)
    return environment
