"""Child processes that never outlive the process that started them.

Each child runs in its own process group, so stopping it reaches whatever it started in
turn (uvicorn's workers, a reloader's child), and on Linux it asks the kernel for a
signal when its parent dies (`prctl(PR_SET_PDEATHSIG)`), so a parent killed with SIGKILL,
which runs no cleanup at all, still takes its children with it. `kefu serve`, the
benchmarks and the tests that start servers all start children through here.

The death signal is tied to the thread that started the child: start children from the
main thread (or from a thread that lives as long as they should).
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with(parent: int) -> Callable[[], None]:
    def in_child() -> None:
        # Runs between fork and exec; the setting survives the exec.
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the death signal was asked for

    return in_child


def start(command: Sequence[str], **popen: Any) -> "subprocess.Popen[Any]":
    """Start a child in its own process group that gets SIGTERM when this process dies."""
    return subprocess.Popen(
        list(command), start_new_session=True, preexec_fn=_die_with(os.getpid()), **popen
    )


def _signal_group(process: "subprocess.Popen[Any]", signum: int) -> None:
    # The group outlives a leader that exited while its own children run on, and Linux
    # does not reuse the number while the group exists.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop(*processes: "subprocess.Popen[Any]", timeout: float = 10) -> None:
    """SIGTERM to each child's whole group; SIGKILL to whatever is left after `timeout`."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(max(deadline - time.monotonic(), 0))
    for process in processes:
        _signal_group(process, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running(command: Sequence[str], **popen: Any) -> Iterator["subprocess.Popen[Any]"]:
    """A child for the length of a block, stopped with its group however the block ends."""
    process = start(command, **popen)
    try:
        yield process
    finally:
        stop(process)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """Make SIGTERM unwind like Ctrl-C does, so `finally` blocks stop the children.

    Python's default for SIGTERM ends the process on the spot, cleanup unrun.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
