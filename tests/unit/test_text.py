"""Properties of the one input rule for text (domain/text.py), emails and zones."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain import accounts, text
from domain.errors import ErrorCode

CONTROL = st.one_of(st.characters(min_codepoint=0, max_codepoint=0x1F),
                    st.characters(min_codepoint=0x7F, max_codepoint=0x9F))
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
# printable text: letters, marks, numbers, punctuation, symbols, spaces (no Cc, Cs, Zl, Zp)
CLEAN = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)
FIELD = ("name",)


def _spliced(draw, bad: st.SearchStrategy[str]) -> str:
    left, right = draw(CLEAN), draw(st.text(max_size=20))
    return left + draw(bad) + right


@given(st.data())
def test_text_with_a_control_character_is_always_refused(data):
    value = _spliced(data.draw, CONTROL)
    multiline = data.draw(st.booleans())
    errors = text.text_errors(value, FIELD, max_length=1000, multiline=multiline)
    allowed_in_multiline = all(c in "\t\n\r" or unicodedata.category(c) != "Cc" for c in value)
    if multiline and allowed_in_multiline and text.encodable(value):
        return
    assert [e.code for e in errors] == [ErrorCode.INVALID_CHARACTERS]


@given(st.data())
def test_a_lone_surrogate_is_always_refused_and_scrubbed(data):
    value = _spliced(data.draw, SURROGATE)
    for multiline in (False, True):
        assert [e.code for e in text.text_errors(value, FIELD, max_length=1000, multiline=multiline)] == [
            ErrorCode.INVALID_CHARACTERS]
    assert text.encodable(text.scrub(value))
    text.scrub(value).encode("utf-8")  # what a database driver or a hash does with it


@given(CLEAN.filter(lambda v: v.strip()))
def test_clean_text_is_accepted_single_and_multi_line(value):
    assert text.text_errors(value, FIELD, max_length=60) == []
    assert text.text_errors(value, FIELD, max_length=60, multiline=True) == []


@given(CLEAN, st.sampled_from(["\n", "\r\n", "\t", "\r"]), CLEAN)
def test_line_breaks_and_tabs_only_in_multi_line_fields(left, brk, right):
    value = left + brk + right
    assert text.text_errors(value, FIELD, max_length=200, multiline=True) == []
    assert [e.code for e in text.text_errors(value, FIELD, max_length=200)] == [ErrorCode.INVALID_CHARACTERS]


@given(CLEAN)
def test_over_long_text_is_too_long_with_its_field(value):
    errors = text.text_errors(value + "x", ("client", "firstName"), max_length=len(value))
    assert [(e.field, e.code) for e in errors] == [(("client", "firstName"), ErrorCode.TOO_LONG)]


@given(st.data())
def test_an_email_with_a_control_character_or_surrogate_is_never_valid(data):
    local = data.draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
    bad = data.draw(st.one_of(CONTROL, SURROGATE))
    email = f"{local[:1]}{bad}{local[1:]}@example.com"
    assert [e.code for e in accounts.email_errors(email)] == [ErrorCode.INVALID_EMAIL]
    accounts.normalize_email(email).encode("utf-8")  # sign-in keys never crash
