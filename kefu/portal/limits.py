"""How often the portal lets one address or one IP ask for sign-in codes.

Counted with `throttle.reserve` (in the database): exact across app processes, and
refused rather than unlimited if the count cannot be kept.
"""

from kefu.core.throttle import Limit

# A person who mistyped their address or lost a mail needs a few tries; five in a
# quarter of an hour is plenty, and caps how often one inbox can be mailed. An address
# gets more room: mobile carriers (carrier-grade NAT) and offices put many customers
# behind one IP, and they must not lock each other out.
CODE_REQUESTS_PER_EMAIL = Limit("code-email", attempts=5, window_seconds=15 * 60)
CODE_REQUESTS_PER_IP = Limit("code-ip", attempts=20, window_seconds=15 * 60)
