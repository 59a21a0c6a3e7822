"""What case documents keep and how long (R22; ``hedershus.core.retention``): they go with
their case, their bytes with them."""

from __future__ import annotations

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the case documents app's record types (from ``CaseDocumentsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(model="case_documents.CaseDocument", personal_data=True, parent="cases.Case"),
        RetentionDeclaration(
            model="case_documents.CaseDocumentVersion",
            personal_data=True,
            parent="case_documents.CaseDocument",
        ),
    )
