"""Fixed duration buckets, so medians and p90s can be read from summed rollups.

Bucket 0 holds [0, 10 s); bucket i ≥ 1 holds [10 s × 1.25^(i-1), 10 s × 1.25^i); the last
bucket (about 90 days and up) is open-ended. Counts of the same bucket add up across hours,
teams and channels, so any filter's distribution is a SUM of each bucket's column (see
`kefu.reports.models.DurationRollup`).

A percentile is the nearest-rank value (the ⌈q·n⌉-th smallest duration). The estimate is
interpolated linearly inside the bucket that holds that rank, so it lies in the same bucket
as the true value: it is off by less than 25 % of the true value (less than 10 s below
10 s). Beyond the last edge the estimate is the edge itself.
"""

import math
from collections.abc import Sequence

FIRST_EDGE = 10.0
RATIO = 1.25
BUCKETS = 62
# EDGES[i] is the lower edge of bucket i.
EDGES: tuple[float, ...] = (
    0.0,
    *(FIRST_EDGE * RATIO**i for i in range(BUCKETS - 1)),
)


def bucket_of(seconds: float) -> int:
    if seconds < FIRST_EDGE:
        return 0
    index = min(max(int(math.log(seconds / FIRST_EDGE) / math.log(RATIO)) + 1, 1), BUCKETS - 1)
    # Floating point can land one off at an exact edge; settle it against the table.
    while index > 1 and seconds < EDGES[index]:
        index -= 1
    while index + 1 < BUCKETS and seconds >= EDGES[index + 1]:
        index += 1
    return index


def percentile(counts: Sequence[int], q: float) -> float | None:
    """The q-quantile (0 < q ≤ 1) estimated from the counts of buckets 0, 1, 2 …; None
    when they are all zero."""
    total = sum(counts)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket, n in enumerate(counts):
        if n and seen + n >= rank:
            low = EDGES[bucket]
            if bucket == BUCKETS - 1:
                return low
            high = EDGES[bucket + 1]
            return low + (high - low) * (rank - seen) / n
        seen += n
    return None  # not reached: the ranks add up to the total
