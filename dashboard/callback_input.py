"""What Dash callbacks receive is checked before use: a tampered payload gets 400 with a message.

The browser sends `/_dash-update-component` bodies that anyone can rewrite. `init_app` checks the
protocol's shape (an object with `output`, lists of `{id, property, value}` inputs and states; string
paths for the page router) before Dash dispatches; callbacks check their values with `scalar()` and
`one_of()`, and `@rejects_bad_values` turns the ValueError of a parameter parser (figures.param_*,
which names the parameter) into a 400 instead of a 500.
"""

from __future__ import annotations

import functools
import json

from flask import Flask, jsonify, request
from werkzeug.exceptions import BadRequest

PAGES_LOCATION = "_pages_location"


class BadInput(BadRequest):
    """400 for a callback value no page can send."""


def reject(message: str):
    raise BadInput(message)


def scalar(value, name: str, kinds=(str, int), max_len: int = 100):
    """`value` if it is None or one of `kinds` (bool never counts as int), a short string at most."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds):
        reject(f"{name} must be {' or '.join(k.__name__ for k in kinds)}, not {type(value).__name__}")
    if isinstance(value, str) and len(value) > max_len:
        reject(f"{name} is longer than {max_len} characters")
    if isinstance(value, int) and not -(2 ** 31) <= value < 2 ** 31:
        reject(f"{name} is out of range")
    return value


def one_of(value, name: str, allowed) -> object:
    if value is not None and value not in allowed:
        reject(f"{name}: {json.dumps(value)[:30]} is not one of the choices")
    return value


def rejects_bad_values(fn):
    """A parameter parser's ValueError (bad year, unknown country...) is the client's fault: 400."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    return wrapper


def _shape_problem(body) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return "the body must be an object with an 'output' string"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list):
            return f"'{key}' must be a list"
        for item in items:
            if isinstance(item, list):  # pattern-matching ids send lists
                continue
            if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("property"), str):
                return f"each of '{key}' must be an object with 'id' and 'property'"
            if item.get("id") == PAGES_LOCATION and not isinstance(item.get("value"), str) and not (
                    item["property"] != "pathname" and item.get("value") is None):
                return f"{PAGES_LOCATION}.{item['property']} must be a string"
    return None


WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])


def _output_parts(output: str) -> list[tuple[object, str]]:
    """(id, property) of each output in Dash's output string ("..a.children...b.figure.." when several;
    a pattern-matching id is JSON)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        ident, _dot, prop = part.rpartition(".")
        out.append((json.loads(ident) if ident.startswith("{") else ident, prop))
    return out


def _matches(pattern, ident) -> bool:
    if not isinstance(pattern, dict):
        return ident == pattern
    return isinstance(ident, dict) and ident.keys() == pattern.keys() and all(
        v in WILDCARDS or ident[k] == v for k, v in pattern.items())


def _outputs_problem(body: dict) -> str | None:
    """`outputs` must name exactly the outputs of `output` (Dash answers a mismatch with a 500); a
    pattern-matching output is a list of concrete ids that fit its pattern."""
    try:
        parts = _output_parts(body["output"])
    except ValueError:
        return "'output' names an id that is not valid JSON"
    sent = body.get("outputs")
    sent = sent if body["output"].startswith("..") else [sent]
    if not isinstance(sent, list) or len(sent) != len(parts):
        return "'outputs' must list each output of 'output'"
    for (pattern, prop), entry in zip(parts, sent):
        wildcard = isinstance(pattern, dict) and any(v in WILDCARDS for v in pattern.values())
        entries = entry if wildcard and isinstance(entry, list) else [entry] if not wildcard else None
        if entries is None or not all(isinstance(e, dict) and e.get("property") == prop
                                      and _matches(pattern, e.get("id")) for e in entries):
            return f"'outputs' does not match the output {prop!r} of 'output'"
    return None


def _unknown_output(body: dict) -> str | None:
    """Dash answers an output no callback has with a KeyError, and fewer inputs or states than the
    callback declares with an IndexError (500s): name them instead."""
    import dash
    try:
        known = dash.get_app().callback_map
    except Exception:  # no app registered yet: let Dash answer
        return None
    output = body["output"]
    if known and output not in known:
        return f"no callback has the output {output[:80]!r}"
    for key in ("inputs", "state"):
        if output in known and len(body.get(key, [])) != len(known[output].get(key) or []):
            return f"'{key}' must have {len(known[output].get(key) or [])} items for this output"
    return None


def init_app(server: Flask) -> None:
    @server.before_request
    def _check_callback_shape():
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        body = request.get_json(silent=True)
        problem = _shape_problem(body) if body is not None else "the body is not JSON"
        if not problem:
            problem = _unknown_output(body) or _outputs_problem(body)
        if problem:
            response = jsonify({"error": problem, "status": 400})
            response.status_code = 400
            return response
        return None

    from dash.exceptions import UnsupportedRelativePath

    @server.errorhandler(BadInput)
    def _bad_input(exc: BadInput):
        response = jsonify({"error": exc.description, "status": 400})
        response.status_code = 400
        return response

    @server.errorhandler(UnsupportedRelativePath)
    def _bad_path(exc):
        response = jsonify({"error": "the page path is not one of this app's", "status": 400})
        response.status_code = 400
        return response
