"""The kit's own error for unusable input."""


class InputError(Exception):
    """Unusable input (bad path, corrupt archive, no capture at all...).

    The message says what is wrong and where; the CLI prints it as `ucnb: error: <message>` and
    exits with status 2. Example: `InputError("bundle.zip: member '../x' escapes the bundle")`.
    """
