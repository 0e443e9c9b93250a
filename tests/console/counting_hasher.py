"""Django's PBKDF2 hasher, counting how many passwords it checked.

Installed through PASSWORD_HASHERS (Django's own extension point), it shows how many
guesses were actually evaluated, which no timing or status code can prove.
"""

from typing import ClassVar

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CountingHasher(PBKDF2PasswordHasher):
    count: ClassVar[int] = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).count += 1
        return super().verify(password, encoded)
