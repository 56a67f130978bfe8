"""Danish formats come from Babel."""

from agreement import formatting as fmt


def test_dates() -> None:
    assert fmt.date_long("2021-03-01") == "1. marts 2021"
    assert fmt.date_long("2025-02-28") == "28. februar 2025"
    assert fmt.date_long("2021-01-22") == "22. januar 2021"  # signatures too: no short form anywhere
    assert not hasattr(fmt, "date_short")


def test_numbers_and_amounts() -> None:
    assert fmt.amount(4076000) == "4.076.000\u00a0kr."
    assert fmt.number(1654) == "1.654"
    assert fmt.number(88.9) == "88,9"
    assert fmt.number(29.0) == "29,0"
    assert fmt.percent(29.02) == "29,02\u00a0%"


def test_words() -> None:
    assert fmt.count(2) == "to" and fmt.count(1) == "én" and fmt.count(2.0) == "to"
    assert fmt.count(1.5) == "1,5" and fmt.count(40) == "40"
    assert fmt.join_and(["A", "B", "C"]) == "A, B og C"
    assert fmt.join_and(["A"]) == "A"


def test_phone_numbers_hold_together() -> None:
    assert fmt.phone("43 68  68 68") == "43\u00a068\u00a068\u00a068"
    assert fmt.phone("+45 70 20 20 20") == "+45\u00a070\u00a020\u00a020\u00a020"
