from kefu.core.errors import KefuError


class FlowInputError(KefuError):
    """An answer the current step cannot take; the run is unchanged."""

    code = "invalid_flow_input"
    status = 422
