"""``manage.py documents_check``: checks and cleans documents stored before uploads were checked.

Runs every stored document through the upload check (hedershus/cms/documents.py): a file
that passes is stored again cleaned (metadata removed, neutral name), which is audited as a
change; a file that fails is listed by id with the reason and left alone for an editor to
replace or delete. Exits with status 1 if any failed. Safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from wagtail.documents import get_document_model

from hedershus.cms.documents import DocumentRejected, checked_file, document_check


class Command(BaseCommand):
    help = "Checks every stored document as uploads are checked, and stores the cleaned file."

    def handle(self, *args: Any, **options: Any) -> None:
        refused = 0
        for doc in get_document_model().objects.order_by("pk"):
            try:
                with doc.file.open("rb") as handle:
                    data = handle.read()
                checked = document_check(doc.file.name, data)
            except (DocumentRejected, FileNotFoundError) as exc:
                refused += 1
                reason = "; ".join(exc.messages) if isinstance(exc, DocumentRejected) else "file missing"
                self.stdout.write(f"document {doc.pk}: refused: {reason}")
                continue
            if checked.data == data and doc.filename.startswith("document"):
                continue
            old_name = doc.file.name
            doc.file.save(checked.name, checked_file(checked), save=False)
            doc._set_document_file_metadata()
            # The same document, cleaned: not an editor's change, so allowed on a live page too.
            doc._hedershus_recleaned = True
            doc.save()
            doc.file.storage.delete(old_name)
            self.stdout.write(f"document {doc.pk}: cleaned")
        if refused:
            raise CommandError(f"{refused} document(s) failed the check; replace or delete them.")
