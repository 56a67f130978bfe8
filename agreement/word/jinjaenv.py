"""The Jinja environment templates are rendered and checked with: strict, autoescaped, with the filters templates may use."""

from __future__ import annotations

import jinja2

from agreement import formatting as fmt

FILTERS = {
    # '{{ total|end_sentence }}' ends a sentence with a value: one full stop, also after an amount in 'kr.'
    "end_sentence": fmt.end_sentence,
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env
