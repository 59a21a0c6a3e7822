"""Room codes: entropy, alphabet, normalisation, the keyed digest, Argon2id (issue 9, item 1)."""

from __future__ import annotations

import hashlib
import math
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedershus.rooms import codes

PEPPER_A = "q3Vd0bQ7m2xYk9JfT1cW8sLh4RzNpE6uGa5oXiKvB0M="
PEPPER_B = "Xk2pR7vQ1mN8sT4yW0zL6cJ9hF3gD5bA-eU_iO2rK7E="


def test_a_code_has_at_least_80_bits_from_an_alphabet_without_look_alikes():
    assert codes.CODE_BITS == codes.CODE_LENGTH * math.log2(len(codes.ALPHABET)) >= 80
    assert len(set(codes.ALPHABET)) == 32
    assert not set("ILOU") & set(codes.ALPHABET)
    drawn = [codes.code_new() for _ in range(2000)]
    assert all(len(code) == 16 and set(code) <= set(codes.ALPHABET) for code in drawn)
    assert len(set(drawn)) == len(drawn)
    # every symbol turns up in every position over 2000 draws (a biased or fixed position would not)
    for position in range(codes.CODE_LENGTH):
        assert {code[position] for code in drawn} == set(codes.ALPHABET)


def test_a_code_is_shown_in_four_groups_of_four():
    assert codes.code_display("0123456789ABCDEF") == "0123-4567-89AB-CDEF"


@pytest.mark.parametrize(
    "typed",
    [
        "0123-4567-89AB-CDEF",
        "0123 4567 89ab cdef",
        "  0123456789abcdef ",
        "O123-4567-89AB-CDEF",  # O typed for 0
        "0I23-4567-89AB-CDEF",  # I typed for 1
        "0l23-4567-89AB-CDEF",  # l typed for 1
        "".join(chr(ord(c) + 0xFEE0) for c in "0123-4567-89AB-CDEF"),  # full-width, from some phone keyboards
        "0123\u20134567\u201489AB\u2011CDEF",  # typographic dashes
    ],
)
def test_what_a_visitor_types_is_normalised(typed):
    assert codes.normalise_code(typed) == "0123456789ABCDEF"


@pytest.mark.parametrize(
    "typed", ["", "0123-4567-89AB-CDE", "0123-4567-89AB-CDEF0", "0123-4567-89AB-CDEU", "0123-4567-89AB-CD?F"]
)
def test_what_cannot_be_a_code_is_refused(typed):
    assert codes.normalise_code(typed) is None


@given(
    code=st.text(alphabet=codes.ALPHABET, min_size=16, max_size=16),
    lower=st.booleans(),
    separator=st.sampled_from(["", " ", "-", " - "]),
)
def test_normalising_a_displayed_code_gives_it_back(code, lower, separator):
    shown = codes.code_display(code).replace("-", separator)
    assert codes.normalise_code(shown.lower() if lower else shown) == code


@given(st.text(max_size=80))
def test_normalising_any_text_gives_a_code_or_none(typed):
    result = codes.normalise_code(typed)
    assert result is None or (len(result) == 16 and set(result) <= set(codes.ALPHABET))


def test_the_digest_is_a_keyed_hash_never_the_code(settings):
    settings.ROOM_CODE_PEPPERS = [PEPPER_A]
    code = codes.code_new()
    digest = codes.code_digest(code)
    assert len(digest) == 64 and set(digest) <= set(string.hexdigits.lower())
    assert code not in digest.upper()
    # Not a plain hash: whoever has the database but not the pepper cannot test guesses.
    assert digest != hashlib.sha256(code.encode()).hexdigest()
    settings.ROOM_CODE_PEPPERS = [PEPPER_B]
    assert codes.code_digest(code) != digest


def test_lookup_digests_under_every_pepper_first_one_first(settings):
    settings.ROOM_CODE_PEPPERS = [PEPPER_B, PEPPER_A]
    code = codes.code_new()
    digests = codes.code_digests(code)
    settings.ROOM_CODE_PEPPERS = [PEPPER_A]
    old = codes.code_digest(code)
    settings.ROOM_CODE_PEPPERS = [PEPPER_B]
    assert digests == [codes.code_digest(code), old]


def test_passphrases_are_hashed_with_argon2id_at_rfc_9106_low_memory_parameters(real_argon2):
    encoded = codes.passphrase_hash("a long passphrase")
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long passphrase" not in encoded
    assert codes.passphrase_verify(encoded, "a long passphrase")
    assert not codes.passphrase_verify(encoded, "a long passphrasE")
    assert not codes.passphrase_needs_rehash(encoded)


def test_every_passphrase_check_costs_one_argon2_verification(real_argon2, monkeypatch):
    calls: list[str] = []
    real = codes.passphrase_verify

    def counted(encoded: str, passphrase: str) -> bool:
        calls.append(encoded)
        return real(encoded, passphrase)

    monkeypatch.setattr(codes, "passphrase_verify", counted)
    stored = codes.passphrase_hash("right passphrase")
    results = [
        codes.passphrase_check(None, "whatever"),  # no room matched the code
        codes.passphrase_check("", ""),  # a room without a passphrase
        codes.passphrase_check("", "typed one anyway"),
        codes.passphrase_check(stored, "wrong"),
        codes.passphrase_check(stored, "right passphrase"),
    ]
    assert results == [False, True, False, False, True]
    assert len(calls) == 5
    # The dummy hash has the same parameters as a real one, so it costs the same.
    assert calls[0].split("$")[:4] == stored.split("$")[:4]
