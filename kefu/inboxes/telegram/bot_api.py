"""One way to open Telegram's Bot API for a token: aiogram's Bot on the configured server.

aiogram is async-only and its Bot holds an HTTP session that must be closed: every caller
opens it here, in `async with`, so no session is left open on any path.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from django.conf import settings


@asynccontextmanager
async def open_bot(token: str, *, timeout: float = 30) -> AsyncIterator[Bot]:
    server = TelegramAPIServer.from_base(settings.KEFU_TELEGRAM_API_URL)
    bot = Bot(token, session=AiohttpSession(api=server, timeout=timeout))
    try:
        yield bot
    finally:
        await bot.session.close()
