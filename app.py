"""Entry point: `python app.py [--host H] [--port P] [--debug]` serves the dashboard.

`server` is the Flask app for WSGI servers: `gunicorn app:server`.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from dashboard import create_app
from dashboard.config import Config

config = Config.from_env()
app = create_app(config)
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
