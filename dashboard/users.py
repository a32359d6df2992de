"""Review accounts from the command line.

    python -m dashboard.users add NAME --role reviewer|lead   # password on standard input
    python -m dashboard.users list

The store is DATABASE_URL, else the SQLite file in the instance folder (DRD_INSTANCE_DIR).
`echo "$PASSWORD" | python -m dashboard.users add ana --role lead` works in scripts; at a terminal
the password is asked twice without echo.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .config import Config
from .review import database_url
from .review.auth import AuthError, add_user, list_users
from .review.models import ROLES
from .review.store import Store


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise AuthError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.users", description="Manage review accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    sub.add_parser("list", help="list accounts (no passwords)")
    args = parser.parse_args(argv)

    store = Store(database_url(Config.from_env()))
    try:
        if args.command == "add":
            user = add_user(store, args.name, args.role, _read_password(), actor="cli")
            print(f"created {user.role} '{user.name}' (id {user.id})")
        else:
            for u in list_users(store):
                print(f"{u['id']}\t{u['name']}\t{u['role']}\t{'active' if u['active'] else 'inactive'}")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
