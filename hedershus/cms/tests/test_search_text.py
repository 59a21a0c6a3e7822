"""The one normalisation search applies to pages and queries (hedershus/cms/text.py; issue 7, items 16-18)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hedershus.cms import text

# What means something to FTS5 or to PostgreSQL's tsquery syntax.
SYNTAX = ['"', "'", "*", "-", "^", ":", "(", ")", "{", "}", "&", "|", "!", "<->", "\\", "+", "~", "NEAR"]


def test_arabic_vowel_marks_and_the_stretching_character_do_not_change_a_word():
    plain = text.words("الزواج القسري")
    assert text.words("الزَّوَاجُ القَسْرِيّ") == plain
    assert text.words("الزوــــاج القســري") == plain


def test_persian_keyboard_letters_spell_the_arabic_word():
    # Persian yeh and keheh, as a Persian keyboard types them, against Arabic yeh and kaf.
    assert text.words("القسری کتاب") == text.words("القسري كتاب")
    # Alef maksura, alef forms, teh marbuta and heh with yeh above.
    assert text.words("مستشفى أب إجبار آمن ٱلبيت مدرسة خانۀ") == text.words(
        "مستشفي اب اجبار امن البيت مدرسه خانه"
    )


def test_arabic_indic_and_persian_digits_are_ascii():
    assert text.words("١١٢ ۱۱۲ 112") == ["112", "112", "112"]


def test_case_and_compatibility_forms_fold_but_swedish_letters_stay_apart():
    assert text.words("ÄKTENSKAP Straße ﬁne ＦＵＬＬ") == ["äktenskap", "strasse", "fine", "full"]  # noqa: RUF001
    assert text.words("far får för") == ["far", "får", "för"]
    # å typed as a + combining ring is the same letter å.
    assert text.words("fa\u030ar") == ["får"]


def test_search_syntax_never_survives_normalisation():
    assert text.words('"forced" marriage* -school ^x title:y (a OR b) NEAR(c d)') == [
        "forced", "marriage", "school", "x", "title", "y", "a", "or", "b", "near", "c", "d",
    ]  # fmt: skip


def test_swedish_english_and_arabic_words_are_stemmed_in_their_own_language():
    assert text.index_text("Kontrollerade mobilen", "sv") == text.index_text("kontrollerad mobil", "sv")
    assert text.query_terms("my dad takes my phone", "en") == ("dad", "take", "phone")
    assert text.query_terms("هاتفي", "ar") == text.query_terms("الهاتف", "ar")
    # Languages without a checked stemmer are normalised only.
    assert text.query_terms("Kitaplar", "tr") == ("kitaplar",)


def test_stop_words_do_not_count_unless_nothing_else_was_typed():
    assert text.query_terms("min pappa tar min mobil", "sv") == ("papp", "tar", "mobil")
    assert text.query_terms("في البيت", "ar") == text.query_terms("البيت", "ar")
    assert text.query_terms("what is this", "en") == ("what", "is", "this")


@given(st.text(max_size=300))
def test_words_are_letters_and_digits_only_and_normalising_twice_changes_nothing(value: str) -> None:
    found = text.words(value)
    for word in found:
        assert word and all(unicodedata.category(char)[0] in "LN" for char in word)
        assert not set(word) & set("\"'*-^:(){}&|!<>\\+~_")
    assert text.words(" ".join(found)) == found


@given(st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=20)), max_size=30).map(" ".join))
def test_query_terms_are_bounded_words_for_every_language(value: str) -> None:
    for language in ("sv", "en", "ar", "fa", None):
        terms = text.query_terms(value, language)
        assert len(terms) <= text.MAX_QUERY_TERMS
        assert all(term and all(unicodedata.category(char)[0] in "LN" for char in term) for term in terms)
