"""Schemathesis hooks for liandong (load with SCHEMATHESIS_HOOKS=schemathesis_hooks, this directory
on PYTHONPATH).

JSON Schema cannot tell 1 from 1.0: both are "integer". The wire can (canonical.md: integers are
written without fraction or exponent, and a node refuses `1.0` as malformed_json), so a generated
body spells every whole number as an integer before it is sent. A fractional number is left alone:
it is invalid wherever the schemas allow only integers, and is refused as it should be.
"""

import schemathesis


def _spelled(value):
    if isinstance(value, float) and value.is_integer() and abs(value) <= 9007199254740991:
        return int(value)
    if isinstance(value, list):
        return [_spelled(item) for item in value]
    if isinstance(value, dict):
        return {key: _spelled(item) for key, item in value.items()}
    return value


@schemathesis.hook
def map_body(ctx, body):
    return _spelled(body)
