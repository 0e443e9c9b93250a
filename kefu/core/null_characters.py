"""U+0000 in text from outside.

PostgreSQL cannot store it in a text or JSON column (SQLite can), so a NUL that reaches an
insert is a 500 on one database and not the other. Every edge decides before anything is
stored: it refuses the text where the sender sees the refusal and can send again (API
fields, forms, chat frames), and strips the character where refusing would lose a message
nobody will send again (email).
"""

NUL = "\x00"


def contains_nul(value: object) -> bool:
    """Whether a string, or any key or value of JSON-shaped data, holds U+0000."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def without_nul(text: str) -> str:
    return text.replace(NUL, "")
