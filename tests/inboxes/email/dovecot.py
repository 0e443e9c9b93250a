"""A throw-away Dovecot IMAP server on loopback: generated config, passwd-file users, maildirs
in a temp dir, a free port. No root services are touched; it is stopped after the test."""

import grp
import os
import pwd
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kefu.core import children
from tests.services import require_dovecot

PASSWORD = "imap-test-password"


@dataclass
class Dovecot:
    host: str
    port: int
    root: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        children.stop(self.process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(root: Path, port: int, users: list[str]) -> Path:
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        # As root Dovecot wants its unprivileged login and internal users (Debian creates
        # them), and refuses to store mail as root: the mail belongs to `dovecot`.
        login_user, internal_user = "dovenull", "dovecot"
        uid, gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
    else:
        login_user = internal_user = pwd.getpwuid(uid).pw_name
    group = grp.getgrgid(gid).gr_name
    root.mkdir(parents=True, exist_ok=True)
    (root / "users").write_text(
        "".join(f"{user}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/home/{user}\n" for user in users)
    )
    for name in ("run", "state", "home", "mail"):
        (root / name).mkdir(exist_ok=True)
    for name in ("home", "mail"):
        os.chown(root / name, uid, gid)
    # The mail processes run as another user when started as root; they must reach the dirs.
    for path in (root, *root.parents):
        if str(path).startswith(tempfile.gettempdir()) and path != Path(tempfile.gettempdir()):
            os.chmod(path, 0o755)
    conf = root / "dovecot.conf"
    conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    return conf


def start(root: Path, users: list[str]) -> Dovecot:
    binary = require_dovecot()
    port = free_port()
    conf = _config(root, port, users)
    process = children.start(
        [binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return Dovecot("127.0.0.1", port, root, process)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    children.stop(process)
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
    raise RuntimeError(f"Dovecot did not start: {output}\n{log}")
