#!/usr/bin/env python3
"""Checks Protocol/vectors and Protocol/schemas independently of the Swift code.

A second implementation of the canonical encoding, hashing and signing, written only from
Protocol/canonical.md and Protocol/change.md: Python's json module with strict hooks, hashlib, and
the `cryptography` package (OpenSSL's Ed25519, RFC 8032). Also validates the wire changes and the
Deploy/examples import files against the JSON Schemas with `jsonschema`.

    python3 Protocol/tools/check_vectors.py        # exit 0 when everything checks
"""
import hashlib
import json
import sys
import unicodedata
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
MAX_SAFE = 2**53 - 1
MAX_DEPTH = 64
failures: list[str] = []
known: list[str] = []


def fail(message: str) -> None:
    failures.append(message)


class Rejected(ValueError):
    pass


def _no_duplicates(pairs):
    seen = set()
    for key, _ in pairs:
        # Keys equal under Unicode canonical equivalence count as duplicates (canonical.md).
        norm = unicodedata.normalize("NFC", key)
        if norm in seen:
            raise Rejected(f"duplicate key {key!r}")
        seen.add(norm)
    return dict(pairs)


def _reject_float(text):
    raise Rejected(f"not an integer: {text}")


def _reject_constant(text):
    raise Rejected(f"not JSON: {text}")


def _walk(value, depth: int, check_range: bool) -> None:
    if isinstance(value, (dict, list)):
        depth += 1
        if depth > MAX_DEPTH:
            raise Rejected("nesting deeper than 64")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str):
                _walk(key, depth, check_range)
            _walk(item, depth, check_range)
    elif isinstance(value, str):
        value.encode("utf-8")  # raises on a lone surrogate
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if check_range and abs(value) > MAX_SAFE:
            raise Rejected(f"integer out of range: {value}")


def strict_loads(data: bytes, check_range: bool = True):
    """Parses as canonical.md says a receiver must; raises on anything it must reject."""
    try:
        text = data.decode("utf-8")  # strict: no overlong forms, no encoded surrogates
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_reject_float,
                           parse_constant=_reject_constant)
        _walk(value, 0, check_range)
        return value
    except (ValueError, UnicodeError, RecursionError) as error:
        raise Rejected(str(error)) from error


def canonical(value) -> bytes:
    """Sorted keys (code point order = UTF-8 byte order), no whitespace, UTF-8, minimal escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def vector_input(vector) -> bytes:
    return vector["input"].encode("utf-8") if "input" in vector else bytes.fromhex(vector["inputHex"])


def check_canonical() -> int:
    vectors = json.loads((ROOT / "Protocol/vectors/canonical.json").read_bytes())
    for vector in vectors["canonical"]:
        try:
            got = canonical(strict_loads(vector_input(vector)))
        except Rejected as error:
            fail(f"canonical '{vector['name']}': rejected ({error})")
            continue
        if got != vector["output"].encode("utf-8"):
            fail(f"canonical '{vector['name']}': got {got!r}")
    for vector in vectors["rejected"]:
        try:
            strict_loads(vector_input(vector))
            fail(f"rejected '{vector['name']}': accepted")
        except Rejected:
            pass
    return len(vectors["canonical"]) + len(vectors["rejected"])


def check_changes(validator) -> int:
    vectors = json.loads((ROOT / "Protocol/vectors/changes.json").read_bytes())
    keys = {}
    for entry in vectors["keys"]:
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(entry["seed"]))
        public = private.public_key().public_bytes_raw().hex()
        if public != entry["publicKey"]:
            fail(f"key {entry['origin']}: public key {public}")
        keys[entry["origin"]] = private
    heads: dict[str, tuple[int, str]] = {}
    previous_order = None
    for vector in vectors["changes"]:
        name, given = vector["name"], vector["input"]
        try:
            wire = strict_loads(vector["wire"].encode("utf-8"))
        except Rejected as error:
            fail(f"'{name}': the wire text fails the strict parser ({error})")
            continue
        for error in validator.iter_errors(wire):
            fail(f"'{name}': schema: {'/'.join(map(str, error.path))}: {error.message[:200]}")
        origin = wire["origin"]
        seq, prev = heads.get(origin, (0, "0" * 64))
        expected_fields = {
            "v": 1, "origin": given["origin"], "seq": given["seq"],
            "hlc": given["physicalMillis"] << 10 | given["logical"], "wall": given["wall"],
            "actor": given["actor"], "entity": given["entity"], "kind": given["kind"],
            "payload": given["payload"], "parties": given["parties"], "prev": prev,
        }
        body = {k: v for k, v in wire.items() if k not in ("hash", "sig")}
        if body != expected_fields:
            fail(f"'{name}': wire fields differ from input (prev must be {prev}, seq {seq + 1})")
        if canonical(body) != vector["body"].encode("utf-8"):
            fail(f"'{name}': canonical body differs")
        if canonical(wire) != vector["wire"].encode("utf-8"):
            fail(f"'{name}': wire is not in canonical form")
        digest = hashlib.sha256(canonical(body)).digest()
        if digest.hex() != wire["hash"] or digest.hex() != vector["hash"]:
            fail(f"'{name}': hash {digest.hex()}")
        public = keys[origin].public_key()
        try:
            public.verify(bytes.fromhex(wire["sig"]), digest)
        except Exception:  # cryptography raises InvalidSignature
            fail(f"'{name}': signature does not verify")
        if keys[origin].sign(digest).hex() != vector["sig"]:
            fail(f"'{name}': re-signing gives a different signature")
        order = (wire["hlc"], wire["origin"].encode("utf-8"), wire["seq"])
        if previous_order is not None and not previous_order < order:
            fail(f"'{name}': not in (hlc, origin, seq) order")
        previous_order = order
        heads[origin] = (wire["seq"], wire["hash"])
    return len(vectors["changes"])


def schemas():
    loaded = {}
    for name in ("change", "catalog", "calendar"):
        schema = json.loads((ROOT / f"Protocol/schemas/{name}.schema.json").read_bytes())
        Draft202012Validator.check_schema(schema)
        loaded[name] = schema
    registry = Registry().with_resources(
        [(schema["$id"], Resource.from_contents(schema)) for schema in loaded.values()])
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in loaded.items()}


def check_examples(validators) -> None:
    for schema, file in (("catalog", "catalog.json"), ("calendar", "calendar-2026.json")):
        instance = strict_loads((ROOT / "Deploy/examples" / file).read_bytes())
        for error in validators[schema].iter_errors(instance):
            fail(f"{file}: {'/'.join(map(str, error.path))}: {error.message[:200]}")
    # The schemas must also refuse: a few documents each would let through if they were vacuous.
    catalog = strict_loads((ROOT / "Deploy/examples/catalog.json").read_bytes())
    item = catalog["items"][0]
    bad = {
        "catalog with an unknown field": ("catalog", dict(catalog, extra=1)),
        "item deciding at a village": ("catalog", {"version": 1, "items": [dict(item, decideAt="village")]}),
        "item without materials": ("catalog", {"version": 1, "items": [{k: v for k, v in item.items() if k != "materials"}]}),
        "calendar with a bad date": ("calendar", {"year": 2026, "holidays": ["2026-13-01"], "workdays": []}),
    }
    for name, (schema, instance) in bad.items():
        if validators[schema].is_valid(instance):
            fail(f"schema accepts {name}")


def main() -> int:
    validators = schemas()
    count = check_canonical()
    count += check_changes(validators["change"])
    check_examples(validators)
    for message in known:
        print("known problem:", message)
    for message in failures:
        print("FAIL:", message)
    print(f"{count} vectors, schemas and examples checked: "
          f"{len(failures)} failures, {len(known)} known problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
