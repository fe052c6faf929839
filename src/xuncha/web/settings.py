"""Settings of a running application (from the command line and the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    db_url: str
    data_dir: Path
    audit_algorithm: str = "sm3"  # sm3 | sha256
    secure_cookies: bool = False  # True behind HTTPS; intranets often serve plain HTTP
    session_hours: float = 8.0
    lockout_after: int = 5  # failed logins before the account locks
    lockout_minutes: float = 15.0
    throttle_per_minute: int = 20  # login attempts per client address per minute
    max_upload_mb: int = 200
    max_unzipped_mb: int = 2000
    testing: bool = False
