"""``manage.py costs_table --agreement <id> (--year YYYY | --period)``: the cost table as CSV
on standard output, the same bytes as the page's CSV export (without the byte order mark).
Recorded in the audit log as an export by the system (``via: command``).

Its errors speak one language, the active one (``LANGUAGE_CODE``, Swedish, unless the caller
activates another), every word from the app's catalogue.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hedershus.core.exceptions import ApplicationError
from hedershus.costs import exports, selectors, services
from hedershus.costs.models import CostAgreement


class Command(BaseCommand):
    help = "Prints an agreement's cost table (one year or the whole period) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agreement", type=int, required=True, help="the agreement's id")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--year", type=int, help="one year of the agreement")
        scope.add_argument("--period", action="store_true", help="every year of the agreement, and the total")

    def handle(self, *args: Any, **options: Any) -> None:
        agreement = (
            CostAgreement.objects.select_related("population_table").filter(pk=options["agreement"]).first()
        )
        if agreement is None:
            raise CommandError(_("No agreement with id %(id)s.") % {"id": options["agreement"]})
        scope = selectors.PERIOD if options["period"] else str(options["year"])
        try:
            data = selectors.agreement_table(agreement, scope)
        except ApplicationError as error:
            raise CommandError(
                _("%(reason)s The agreement covers %(first)s–%(last)s.")  # noqa: RUF001
                % {"reason": error, "first": agreement.first_year, "last": agreement.last_year}
            ) from None
        services.table_exported(user=None, agreement=agreement, scope=scope, fmt="csv", via="command")
        self.stdout.write(exports.as_csv(data).removeprefix("\ufeff"), ending="")
