"""The seed's 2012 table, reproduced from the project's own CSV export (issue 12, "done when").

The figures below are copied by hand from the referral in ``shared/seeds/`` (KSL, Remiss
2011-06-08, Dnr 2009/0021, appendix 4 "Kostnadsfördelning Hedershus för Stockholms län",
``000_bf1113919645f209.txt`` lines 897-937): kronor for 2012 of a 6 000 000 kr budget (physical
house 5 MSEK, virtual house 1 MSEK), police and county council 25 % each, the municipalities'
3 000 000 kr by population on 2010-12-31. The seed rounded each row on its own, so its rows add
up to 3 000 001 for the municipalities; ours must add up to exactly 3 000 000 and each row be
within one krona of the seed's. The seed spells "Upplands bro"; the population file (and so
our export) "Upplands-Bro".
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from conftest import sign_in
from hedershus.core.access import Role
from hedershus.costs.tests.helpers import agreement_make

pytestmark = pytest.mark.django_db

SEED_2012_MUNICIPALITIES = {
    "Botkyrka": 120_634,
    "Danderyd": 45_752,
    "Ekerö": 37_107,
    "Haninge": 112_524,
    "Huddinge": 142_313,
    "Järfälla": 96_689,
    "Lidingö": 64_279,
    "Nacka": 131_587,
    "Norrtälje": 81_895,
    "Nykvarn": 13_626,
    "Nynäshamn": 38_015,
    "Salem": 22_476,
    "Sigtuna": 58_398,
    "Sollentuna": 94_381,
    "Solna": 99_512,
    "Stockholm": 1_236_998,
    "Sundbyberg": 56_417,
    "Södertälje": 125_947,
    "Tyresö": 62_716,
    "Täby": 93_152,
    "Upplands Väsby": 57_375,
    "Upplands-Bro": 34_575,  # "Upplands bro" in the seed
    "Vallentuna": 43_976,
    "Vaxholm": 16_012,
    "Värmdö": 55_932,
    "Österåker": 57_713,
}
SEED_2012_FIXED = {"Polisen": 1_500_000, "Landstinget": 1_500_000}
SEED_POPULATION_TOTAL = 2_054_343


def test_the_seed_figures_as_copied_add_up_to_the_seeds_own_one_krona_too_many():
    assert sum(SEED_2012_MUNICIPALITIES.values()) == 3_000_001


def test_the_2012_table_of_the_csv_export_reproduces_the_seed(client, cast):
    admin = cast[Role.ADMINISTRATOR]
    agreement = agreement_make(admin)
    sign_in(client, cast[Role.SUPERVISOR])
    response = client.get(
        reverse("costs:export", kwargs={"agreement_id": agreement.pk, "scope": "2012", "fmt": "csv"})
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    municipalities = {
        row["partner"]: int(row["amount_2012"]) for row in rows if row["kind"] == "municipality"
    }
    fixed = {row["partner"]: int(row["amount_2012"]) for row in rows if row["kind"] == "fixed"}
    (total,) = [row for row in rows if row["kind"] == "total"]

    assert set(municipalities) == set(SEED_2012_MUNICIPALITIES)
    for name, seed_amount in SEED_2012_MUNICIPALITIES.items():
        assert abs(municipalities[name] - seed_amount) <= 1, (name, municipalities[name], seed_amount)
    assert sum(municipalities.values()) == 3_000_000
    assert fixed == SEED_2012_FIXED
    assert int(total["amount_2012"]) == 6_000_000 == int(total["total"])
    assert int(total["population"]) == SEED_POPULATION_TOTAL
    # Stockholm's share: 847 073 / 2 054 343 of the municipalities' 50 % = 20.62 % of the whole.
    stockholm = next(row for row in rows if row["partner"] == "Stockholm")
    assert stockholm["share_percent"] == "20.62"
