"""`python -m dashboard.review verify`: check the audit trail (no gaps, every link of the signed chain).

The store is DATABASE_URL, else the SQLite file in the instance folder (DRD_INSTANCE_DIR); the key
is DRD_AUDIT_KEY, else `instance/audit_key` (see dashboard.review.store). Exit 0 when intact, 1
listing every problem.
"""

from __future__ import annotations

import argparse
import sys

from ..config import Config
from . import audit_key, database_url
from .store import Store, event_count, verify_chain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.review", description="Expert review store tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="check the audit trail: gap-free ids and the signed hash chain")
    parser.parse_args(argv)
    config = Config.from_env()
    store = Store(database_url(config), audit_key=audit_key(config))
    try:
        with store.read() as conn:
            problems, total = verify_chain(conn, store.audit_key), event_count(conn)
    finally:
        store.dispose()
    if problems:
        print(f"BROKEN: {len(problems)} problem(s) in {total} events", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"OK: {total} events, ids without gaps, every hash signed with the audit key and linked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
