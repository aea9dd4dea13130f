"""The one error a contributor sees for a malformed claim."""


class ClaimError(Exception):
    """A claim definition or a claim's output is malformed. The message names the claim and the field."""
