"""Settings from environment variables, each with a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    """App settings. `from_env()` reads DRD_* variables (HOST, PORT also accepted bare)."""

    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    data_dir: Path = ROOT / "data"
    instance_dir: Path = ROOT / "instance"
    database_url: str | None = None  # None: SQLite file in instance_dir
    secret_key: str | None = None  # None: the one kept in instance_dir/secret_key (dashboard.security)
    base_url: str = ""  # where the app is published (DRD_BASE_URL), for absolute links in exports

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        get = lambda *names: next((env[n] for n in names if env.get(n)), None)  # noqa: E731
        defaults = cls()
        return cls(
            host=get("DRD_HOST", "HOST") or defaults.host,
            port=int(get("DRD_PORT", "PORT") or defaults.port),
            debug=_flag(get("DRD_DEBUG")),
            data_dir=Path(get("DRD_DATA_DIR") or defaults.data_dir),
            instance_dir=Path(get("DRD_INSTANCE_DIR") or defaults.instance_dir),
            database_url=get("DATABASE_URL"),
            secret_key=get("DRD_SECRET_KEY", "SECRET_KEY"),
            base_url=(get("DRD_BASE_URL") or "").rstrip("/"),
        )
