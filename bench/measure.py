"""What the load benchmarks share to measure and report: percentiles, a free port, a log line."""

import socket


def log(line: str) -> None:
    print(line, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank `q`th percentile; NaN for no values (a phase where nothing answered)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """Count, p50, p99 and maximum of round-trip times, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), 1):
            return True
    except OSError:
        return False
