"""Static files served by WhiteNoise, streamed without blocking under ASGI."""

from typing import Any

from django.http import HttpRequest
from whitenoise.middleware import WhiteNoiseMiddleware

from kefu.core.file_responses import StaticFileStream


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise with FileStream responses (see kefu.core.file_responses for why)."""

    @staticmethod
    def serve(static_file: Any, request: HttpRequest) -> StaticFileStream:
        # As WhiteNoiseMiddleware.serve, with the response class replaced.
        found = static_file.get_response(request.method, request.META)
        response = StaticFileStream(found.file or (), status=int(found.status))
        del response["content-type"]
        for key, value in found.headers:
            response[key] = value
        return response
