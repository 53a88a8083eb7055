"""The risk run's final labels: looked up for the settled items only, by their sorted index."""

from __future__ import annotations

import numpy as np

from review.loaders.annotations import schema_spec
from review.services.risk import _final_codes
from tests.factories import ItemFactory


def test_settled_items_get_their_final_code_and_the_rest_minus_one(project):
    items = [ItemFactory(project=project) for _ in range(5)]
    spec = schema_spec(project.schema)
    names = spec.value_names
    items[1].final_value = {"label": names[1]}
    items[3].final_value = {"label": "not in the schema"}
    items[4].final_value = {"label": names[0]}  # settled, but not among the run's items
    for item in items:
        item.save()
    run = np.array(sorted(item.pk for item in items[:4]), dtype=np.int64)
    codes = _final_codes(project, spec, run)
    expected = {items[1].pk: 1}
    assert codes.tolist() == [expected.get(item_id, -1) for item_id in run.tolist()]


def test_no_items_and_no_finals_give_empty_and_unset_codes(project):
    spec = schema_spec(project.schema)
    assert _final_codes(project, spec, np.zeros(0, dtype=np.int64)).tolist() == []
    item = ItemFactory(project=project, final_value={"label": spec.value_names[0]})
    assert _final_codes(project, spec, np.zeros(0, dtype=np.int64)).tolist() == []
    assert _final_codes(project, spec, np.array([item.pk + 1000])).tolist() == [-1]
