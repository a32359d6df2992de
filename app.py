"""Entry point: `python app.py [--host H] [--port P] [--debug]` serves the dashboard.

`server` is the Flask app for WSGI servers: `gunicorn app:server`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

if sys.version_info < (3, 11):  # noqa: UP036 (said plainly instead of an ImportError on datetime.UTC)
    sys.exit("The Digital Rights Dashboard needs Python 3.11 or newer (this is "
             f"{sys.version_info.major}.{sys.version_info.minor}).")

from dashboard import create_app  # noqa: E402 (after the version check)
from dashboard.config import Config  # noqa: E402
from indicators import DataValidationError  # noqa: E402

config = Config.from_env()
try:
    app = create_app(config)
except DataValidationError as exc:  # refuse to start (python app.py and every gunicorn worker), no traceback
    print(f"refusing to start: {config.data_dir} is not valid.\n{exc}", file=sys.stderr)
    sys.exit(2)
server = app.server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the digital rights dashboard.")
    parser.add_argument("--host", default=config.host, help="default 127.0.0.1 (env DRD_HOST)")
    parser.add_argument("--port", type=int, default=config.port, help="default 8050 (env DRD_PORT)")
    parser.add_argument("--debug", action="store_true", default=config.debug, help="Dash debug mode (env DRD_DEBUG=1)")
    args = parser.parse_args()
    server.config["DRD"] = replace(config, host=args.host, port=args.port, debug=args.debug)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
