"""Why a survey answer is refused: a stable code (API, widget) and a translated message."""

from kefu.core.errors import KefuError


class SurveyError(KefuError):
    code = "survey_error"
    status = 422


class RatingOutOfRange(SurveyError):
    code = "rating_out_of_range"


class CommentTooLong(SurveyError):
    code = "comment_too_long"


class SurveyExpired(SurveyError):
    code = "survey_expired"
    status = 410


class SurveyNotOpen(SurveyError):
    """The survey was not sent (resolved without it, surveys off, the window closed)."""

    code = "survey_not_open"
    status = 409
