"""A real PostgreSQL 15 with PostGIS for the tests: Debian's binaries, a temporary cluster, a free port.

The cluster lives in a temporary folder, listens on 127.0.0.1 only, asks
for passwords over TCP (so a wrong password is a real refusal) and is
stopped and removed at the end. PostgreSQL refuses to run as root, so as
root the cluster is owned and run by the ``postgres`` system user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "zonemap_admin"
#: Test-only passwords of throwaway roles in a throwaway cluster.
PASSWORDS = {SUPERUSER: "admin-secret", "planner": "planner-secret", "reader": "reader-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgisServer:
    """A running cluster: ``url(user, db)`` gives a password-free URL; passwords go in ``env(user)``."""

    folder: Path
    port: int
    run_as: list[str]

    def url(self, user: str = SUPERUSER, database: str = "zones", zone: str | None = None) -> str:
        from urllib.parse import quote

        base = f"postgresql://{quote(user)}@127.0.0.1:{self.port}/{quote(database)}"
        return base if zone is None else f"{base}?zone={quote(zone)}"

    def env(self, user: str = SUPERUSER) -> dict[str, str]:
        """The environment a process needs to log in as ``user`` (libpq's PGPASSWORD)."""
        return {**os.environ, "PGPASSWORD": PASSWORDS[user], "PGCONNECT_TIMEOUT": "5"}

    def connect(self, user: str = SUPERUSER, database: str = "zones", **options):
        import psycopg

        return psycopg.connect(self.url(user, database), password=PASSWORDS[user], **options)

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self.run_as, str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), *args], check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PostgisServer:
    """Initialise and start a cluster with databases ``zones`` (PostGIS) and ``plain`` (none), and roles planner/reader."""
    folder = Path(tempfile.mkdtemp(prefix="zonemap-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORDS[SUPERUSER] + "\n", encoding="utf-8")
    if run_as:
        shutil.chown(pwfile, "postgres", "postgres")
    subprocess.run(
        [*run_as, str(BIN / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER, f"--pwfile={pwfile}",
         "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, timeout=120,
    )
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=40"
    server = PostgisServer(folder, port, run_as)
    server._ctl("start", "-w", "-t", "60", "-l", str(folder / "log"), "-o", options)
    with server.connect(database="postgres", autocommit=True) as db:
        db.execute("CREATE DATABASE zones")
        db.execute("CREATE DATABASE plain")
        for role in ("planner", "reader"):
            db.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORDS[role]}'")
    with server.connect(autocommit=True) as db:
        db.execute("CREATE EXTENSION postgis")
        db.execute("GRANT CREATE ON DATABASE zones TO planner")
        db.execute("GRANT CREATE ON SCHEMA public TO planner")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (folder / "data" / "postmaster.pid").exists():
        time.sleep(0.1)
    return server
