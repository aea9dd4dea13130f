"""Cited inputs: the schema every sourced value must satisfy, and the Monte Carlo that carries ranges."""

import datetime

import numpy as np
import pytest
from pydantic import ValidationError

from experiments.common.montecarlo import draw, propagate
from kanguri.sources import Citation, CitedValue, load_sources
from kanguri.text import L

CITATION = Citation(
    source="Author et al., Title, Venue, 2024",
    locator="p. 3, Table 1",
    quote="about 20 W",
    checked=datetime.date(2026, 11, 30),
    url="https://example.org",
)


def test_points_stay_fixed_and_products_are_exact():
    est = propagate(lambda x: x["a"] * x["b"], {"a": (2.0, 2.0), "b": (3.0, 3.0)}, 1000, 0)
    assert (est.value, est.lo, est.hi) == (6.0, 6.0, 6.0) and est.n == 1000


def test_a_uniform_range_spans_its_cited_bounds():
    est = propagate(lambda x: x["w"], {"w": (10.0, 20.0)}, 20_000, 1)
    assert abs(est.value - 15.0) < 0.2 and 10.0 < est.lo < 10.5 and 19.5 < est.hi < 20.0


def test_log_uniform_ranges_centre_on_the_geometric_mean():
    x = draw({"ops": (1e13, 1e15)}, 20_000, 2, log={"ops"})["ops"]
    assert abs(np.log10(np.median(x)) - 14.0) < 0.05 and x.min() >= 1e13 and x.max() <= 1e15


def test_draws_are_seeded():
    a, b = draw({"w": (1.0, 2.0)}, 5, 3), draw({"w": (1.0, 2.0)}, 5, 3)
    assert np.array_equal(a["w"], b["w"])


def test_a_value_is_a_point_or_a_range_never_both():
    CitedValue(label=L(ja="脳", en="brain"), value=20.0, citation=CITATION)
    CitedValue(label=L(ja="脳", en="brain"), low=12.0, high=25.0, citation=CITATION)
    with pytest.raises(ValidationError, match="either value, or both low and high"):
        CitedValue(label=L(ja="脳", en="brain"), value=20.0, low=12.0, high=25.0, citation=CITATION)
    with pytest.raises(ValidationError, match=r"low 30\.0 is above high 25\.0"):
        CitedValue(label=L(ja="脳", en="brain"), low=30.0, high=25.0, citation=CITATION)


def test_a_missing_file_and_bad_yaml_are_clear(tmp_path):
    with pytest.raises(ValueError, match=r"claim c: no sources file c\.sources\.yml"):
        load_sources("c", tmp_path / "c.sources.yml")
    (tmp_path / "c.sources.yml").write_text("values: [unclosed\n")
    with pytest.raises(ValueError, match=r"claim c: c\.sources\.yml is not valid YAML"):
        load_sources("c", tmp_path / "c.sources.yml")


def test_a_date_enters_the_arithmetic_as_its_day_number():
    v = CitedValue.model_validate(
        {
            "label": {"ja": "日", "en": "day"},
            "low": datetime.date(2024, 9, 12),
            "high": datetime.date(2024, 9, 13),
            "citation": CITATION,
        }
    )
    assert v.range == (datetime.date(2024, 9, 12).toordinal(), datetime.date(2024, 9, 13).toordinal())
    with pytest.raises(ValidationError, match="both be dates"):
        CitedValue.model_validate(
            {
                "label": {"ja": "日", "en": "day"},
                "low": datetime.date(2024, 9, 12),
                "high": 3.0,
                "citation": CITATION,
            }
        )
