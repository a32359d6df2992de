"""Review accounts from the command line.

    python -m dashboard.users add NAME --role reviewer|lead   # password on standard input
    python -m dashboard.users list
    python -m dashboard.users set-role NAME reviewer|lead
    python -m dashboard.users passwd NAME                      # new password on standard input
    python -m dashboard.users deactivate NAME                  # or activate; accounts are never deleted
    python -m dashboard.users display-name NAME "Panel member 3"   # the name the public sees

Every account is shown in public (provenance of corrections on pages, API, exports, briefs) under its
display name, "Panel member <id>" by default; the account name appears only in the signed-in audit trail.

The store is DATABASE_URL, else the SQLite file in the instance folder (DRD_INSTANCE_DIR).
`echo "$PASSWORD" | python -m dashboard.users add ana --role lead` works in scripts; at a terminal
the password is asked twice without echo.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .config import Config
from .review import audit_key, database_url
from .review.auth import AuthError, add_user, list_users, update_user
from .review.models import ROLES
from .review.store import Store


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise AuthError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _describe(u: dict) -> str:
    return (f"{u['name']}: {u['role']}, {'active' if u['active'] else 'inactive'}, "
            f"shown as '{u.get('display_name') or ''}'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.users", description="Manage review accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    sub.add_parser("list", help="list accounts (no passwords)")
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    for command, text in (("passwd", "set a new password, read from standard input (ends the account's sessions)"),
                          ("deactivate", "refuse the account's password and end its sessions (nothing is deleted)"),
                          ("activate", "let a deactivated account sign in again")):
        sub.add_parser(command, help=text).add_argument("name")
    shown = sub.add_parser("display-name",
                           help="set the name the public sees for an account (default 'Panel member <id>')")
    shown.add_argument("name")
    shown.add_argument("display_name")
    args = parser.parse_args(argv)

    config = Config.from_env()
    store = Store(database_url(config), audit_key=audit_key(config))
    try:
        if args.command == "add":
            user = add_user(store, args.name, args.role, _read_password(), actor="cli")
            print(f"created {user.role} '{user.name}' (id {user.id}), shown in public as '{user.display_name}'")
        elif args.command == "set-role":
            print(_describe(update_user(store, args.name, role=args.role)))
        elif args.command == "passwd":
            print(_describe(update_user(store, args.name, password=_read_password())) + ", password changed")
        elif args.command == "display-name":
            print(_describe(update_user(store, args.name, display_name=args.display_name)))
        elif args.command in ("deactivate", "activate"):
            print(_describe(update_user(store, args.name, active=args.command == "activate")))
        else:
            for u in list_users(store):
                print(f"{u['id']}\t{u['name']}\t{u['role']}\t{'active' if u['active'] else 'inactive'}"
                      f"\t{u['display_name'] or ''}")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
