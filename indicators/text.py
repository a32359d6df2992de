"""Marking the engine's fixed English words for translation, without any web framework here.

`N_("...")` returns its argument unchanged: it only tells `pybabel extract` (babel.cfg scans indicators/
too) that the string is shown to people. The dashboard translates such a string where it shows it
(`dashboard.i18n.gettext(AXIS_TEXT["harm"])`); the engine, its CLI and the API keep the English.
Sentences the engine would compose from numbers are not written here: it returns the values and the
dashboard composes the sentence in the reader's language.
"""


def N_(text: str) -> str:  # noqa: N802 - the gettext convention
    return text
