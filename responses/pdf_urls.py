"""The response as a PDF (namespace `pdf`, under /pdf/): staff preview, public frozen versions."""

from django.urls import path

from . import pdf_views

app_name = "pdf"

urlpatterns = [
    # pk: the response. Staff only: the response as it is now.
    path("responses/<int:pk>/preview.pdf", pdf_views.preview, name="preview"),
    # The same as Word documents (responses/docx.py): staff only, like the preview.
    path("responses/<int:pk>/preview.docx", pdf_views.preview_docx, name="preview-docx"),
    path(
        "responses/<int:pk>/versions/<int:number>.docx",
        pdf_views.version_docx,
        name="version-docx",
    ),
    # pk: the response; number: its published version. Public: the frozen bytes.
    path("responses/<int:pk>/versions/<int:number>.pdf", pdf_views.version, name="version"),
    # The Welsh document of a bilingual body's version (docs/decisions/0012).
    path(
        "responses/<int:pk>/versions/<int:number>-cy.pdf",
        pdf_views.version,
        {"language": "cy"},
        name="version-cy",
    ),
]
