"""Children started through kefu.core.children (as `kefu serve` and the benches do) never
outlive their parent: not when it exits, not on SIGTERM, not when it is killed."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from kefu.core import children
from tests.processes import ROOT, alive, wait_for

# A bench-like parent: it starts a child through bench/environments.py, the child starts
# a grandchild of its own (as uvicorn starts its workers), and all of them report in.
PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    sys.path.insert(0, "bench")
    from environments import exit_on_sigterm, start_child, stop_child
    exit_on_sigterm()
    child = start_child([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
    # The report is inside the try: the test signals as soon as it has read it, which may
    # be before this line's bytecode is done.
    try:
        print(child.pid, child.stdout.readline().strip(), flush=True)
        time.sleep(600)
    finally:
        stop_child(child)
    """
)
SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# A child that ends on SIGTERM without a thought for its own child: only the group's
# stopping reaches the grandchild.
CARELESS = (
    f"import subprocess, time; grandchild = subprocess.Popen({SLEEPER!r});"
    "print(grandchild.pid, flush=True); time.sleep(600)"
)
# A child that stops its own child on SIGTERM, as uvicorn's supervisor stops its workers:
# what the kernel's death signal relies on when the parent is killed outright.
CAREFUL = (
    "import subprocess, sys, time; sys.path.insert(0, 'bench');"
    "from environments import exit_on_sigterm, start_child, stop_child; exit_on_sigterm();"
    f"grandchild = start_child({SLEEPER!r}); print(grandchild.pid, flush=True)\n"
    "try:\n    time.sleep(600)\nfinally:\n    stop_child(grandchild)"
)


def bench_parent(child: str) -> tuple["subprocess.Popen[str]", list[int]]:
    parent = children.start(
        [sys.executable, "-c", PARENT, child], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2
    return parent, pids


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_bench_stopped_by_a_signal_stops_its_children_and_theirs(stop: signal.Signals) -> None:
    parent, pids = bench_parent(CARELESS)
    try:
        os.kill(parent.pid, stop)
        parent.wait(30)
        wait_for(lambda: not any(alive(pid) for pid in pids), "child and grandchild gone")
    finally:
        children.stop(parent)


def test_a_bench_killed_outright_takes_its_children_with_it() -> None:
    parent, pids = bench_parent(CAREFUL)
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(30)
        wait_for(lambda: not any(alive(pid) for pid in pids), "child and grandchild gone")
    finally:
        children.stop(parent)


def test_a_captured_run_returns_what_the_child_printed() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from environments import run_captured

    done = run_captured([sys.executable, "-c", "print('你好')"], text=True)
    assert (done.returncode, done.stdout) == (0, "你好\n")
