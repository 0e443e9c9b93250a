"""One HTTP client per process for the platforms' REST APIs (Meta's Graph API, X, an
integration's webhook, Twilio's recordings, files customers send by URL).

Making an httpx client loads the CA bundle, about 17 ms on the test machine — more than
storing a message — and a shared one keeps connections to the platform open between
calls. httpx's Client is safe to share between threads; each call passes its own
timeout.
"""

import functools

import httpx


@functools.cache
def client() -> httpx.Client:
    return httpx.Client()
