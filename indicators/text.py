"""Marking the engine's fixed English words for translation, without any web framework here.

`N_("...")` returns its argument unchanged: it only tells `pybabel extract` (babel.cfg scans indicators/
too) that the string is shown to people. The dashboard translates such a string where it shows it
(`dashboard.i18n.gettext(AXIS_TEXT["harm"])`); the engine, its CLI and the API keep the English.
Sentences the engine would compose from numbers are not written here: it returns the values and the
dashboard composes the sentence in the reader's language.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the gettext convention
    return text


class Sentence(str):
    """English text that keeps its catalogue template and values, so the dashboard can show it in the reader's
    language (`dashboard.i18n.localise`) while `str()`, logs, the CLI and comparisons keep the English.

    `Sentence(N_("year %(year)s is not a scored year"), year="1800")`; values may be Sentences themselves
    (translated too). `Sentence.joined(parts, "; ")` keeps each part for translation and joins them.
    """

    template: str
    values: dict
    parts: tuple | None
    separator: str

    def __new__(cls, template: str, **values):
        self = super().__new__(cls, template % values if values else template)
        self.template, self.values, self.parts, self.separator = template, values, None, ""
        return self

    @classmethod
    def joined(cls, parts, separator: str = "; ") -> Sentence:
        parts = tuple(parts)
        self = super().__new__(cls, separator.join(parts))
        self.template, self.values, self.parts, self.separator = str(self), {}, parts, separator
        return self
