import pytest

from digibank.core.text import contains_national_number, fold, national_phone_digits


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Çelik-Dupré ", "celik dupre"),
        ("Van den  Broeck", "van den broeck"),
        ("Nguyễn", "nguyen"),
        ("Yılmaz", "yilmaz"),
        ("Łukasz Wójcik", "lukasz wojcik"),
        ("Søren Ødegård", "soren odegard"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold_removes_accents_case_and_punctuation(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("raw", "national"),
    [
        ("+32 470 12 34 56", "0470123456"),
        ("0032470123456", "0470123456"),
        ("0470/12.34.56", "0470123456"),
    ],
)
def test_phone_numbers_are_brought_to_national_digits(raw, national):
    assert national_phone_digits(raw) == national


@pytest.mark.parametrize(
    "text",
    [
        "85.07.30-033.28",  # born 1985
        "85073003328",
        "rijksregister 850730 033 28 ok",
        "01.02.03-123.45",  # born 2001: the check uses a leading 2
    ],
)
def test_valid_national_numbers_are_recognised(text):
    assert contains_national_number(text)


@pytest.mark.parametrize(
    "text", ["85.07.30-033.29", "0470 12 34 56", "Kerkstraat 12, 9000 Gent", "BE68 5390 0754 7034"]
)
def test_other_numbers_are_not_mistaken_for_national_numbers(text):
    assert not contains_national_number(text)
