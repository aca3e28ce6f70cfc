#!/usr/bin/env python3
"""Checks Protocol/vectors and Protocol/schemas independently of the Swift code.

A second implementation of the canonical encoding, hashing and signing, written only from
Protocol/canonical.md, Protocol/change.md and Protocol/sync.md: Python's json module with strict
hooks, hashlib, and the `cryptography` package (OpenSSL's Ed25519, RFC 8032). Also validates the
wire changes, the Deploy/examples import files, every sync message in the vectors and every JSON
example in sync.md against the JSON Schemas with `jsonschema`, and checks that the schemas refuse
the invalid examples of vectors/messages.json.

    python3 Protocol/tools/check_vectors.py        # exit 0 when everything checks
"""
import hashlib
import json
import re
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
    for path in sorted((ROOT / "Protocol/schemas").glob("*.schema.json")):
        schema = json.loads(path.read_bytes())
        Draft202012Validator.check_schema(schema)
        name = path.name.removesuffix(".schema.json")
        if schema.get("$id") != f"https://liandong.invalid/protocol/schemas/{path.name}":
            fail(f"{path.name}: $id does not name the file")
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


# --- sync (Protocol/sync.md) -------------------------------------------------------------------

SIGNING_PREFIX = "liandong-sync-1"


def signed_text(method: str, path: str, node: str, time: str, nonce: str, body: bytes) -> bytes:
    """sync.md, Authentication: the exact bytes a request signature covers."""
    return "\n".join([SIGNING_PREFIX, method, path, node, time, nonce, hashlib.sha256(body).hexdigest()]).encode("utf-8")


def verifies(public, signature_hex: str, data: bytes) -> bool:
    try:
        public.verify(bytes.fromhex(signature_hex), data)
        return True
    except Exception:  # InvalidSignature
        return False


def validate(validators, schema: str, instance, label: str) -> None:
    if schema not in validators:
        fail(f"{label}: no schema {schema}")
        return
    for error in validators[schema].iter_errors(instance):
        fail(f"{label}: {schema}: {'/'.join(map(str, error.path))}: {error.message[:200]}")


def check_change_integrity(change: dict, keys: dict, label: str) -> None:
    """hash = SHA-256 of the canonical body; sig verifies with the origin's key (change.md)."""
    body = {k: v for k, v in change.items() if k not in ("hash", "sig")}
    digest = hashlib.sha256(canonical(body)).digest()
    if digest.hex() != change.get("hash"):
        fail(f"{label}: change {change.get('origin')}#{change.get('seq')}: hash does not match the body")
    key = keys.get(change.get("origin"))
    if key is None:
        fail(f"{label}: change {change.get('origin')}#{change.get('seq')}: no key for its origin")
    elif not verifies(key.public_key(), change["sig"], digest):
        fail(f"{label}: change {change.get('origin')}#{change.get('seq')}: signature does not verify")


def check_request_headers(private, request: dict, label: str) -> None:
    """The four headers are well-formed, the signature verifies, and any other byte makes it fail."""
    headers, body = request["headers"], request["body"]
    node, time, nonce, signature = (headers.get(h, "") for h in
                                    ("Liandong-Node", "Liandong-Time", "Liandong-Nonce", "Liandong-Signature"))
    if not re.fullmatch(r"[0-9]{6}([0-9]{3}){0,2}", node):
        fail(f"{label}: Liandong-Node {node!r}")
    if not re.fullmatch(r"0|[1-9][0-9]*", time):
        fail(f"{label}: Liandong-Time {time!r} is not decimal milliseconds")
    if not re.fullmatch(r"[0-9a-f]{32}", nonce):
        fail(f"{label}: Liandong-Nonce {nonce!r} is not 32 lower-case hex digits")
    if not re.fullmatch(r"[0-9a-f]{128}", signature):
        fail(f"{label}: Liandong-Signature is not 128 lower-case hex digits")
        return
    public = private.public_key()
    method, path = request["method"], request["path"]
    if not verifies(public, signature, signed_text(method, path, node, time, nonce, body)):
        fail(f"{label}: request signature does not verify")
    if private.sign(signed_text(method, path, node, time, nonce, body)).hex() != signature:
        fail(f"{label}: re-signing gives a different signature")
    tampered_body = body.replace(b"1", b"2", 1) if b"1" in body else body + b" "
    tampered = {
        "a changed body": (method, path, node, time, nonce, tampered_body),
        "a body with a trailing space": (method, path, node, time, nonce, body + b" "),
        "another path": (method, "/sync/v1/fetch" if path != "/sync/v1/fetch" else "/sync/v1/pull", node, time, nonce, body),
        "another method": ("GET", path, node, time, nonce, body),
        "another node": (method, path, node + "001" if len(node) < 12 else node[:9], time, nonce, body),
        "a later time": (method, path, node, str(int(time) + 1), nonce, body),
        "another nonce": (method, path, node, time, nonce[::-1], body),
    }
    for what, fields in tampered.items():
        if verifies(public, signature, signed_text(*fields)):
            fail(f"{label}: the signature still verifies with {what}")


def check_requests(validators) -> int:
    vectors = json.loads((ROOT / "Protocol/vectors/requests.json").read_bytes())
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vectors["key"]["seed"]))
    if private.public_key().public_bytes_raw().hex() != vectors["key"]["publicKey"]:
        fail("requests.json: public key does not match the seed")
    changes = json.loads((ROOT / "Protocol/vectors/changes.json").read_bytes())
    change_keys = {k["origin"]: Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])) for k in changes["keys"]}
    for vector in vectors["requests"]:
        label = f"request '{vector['name'][:40]}'"
        body = vector["body"].encode("utf-8")
        try:
            message = strict_loads(body)
        except Rejected as error:
            fail(f"{label}: body fails the strict parser ({error})")
            continue
        validate(validators, vector["schema"], message, label)
        for change in message.get("changes", []):
            check_change_integrity(change, change_keys, label)
        if "node" in message and message["node"] != vector["node"]:
            fail(f"{label}: body node differs from the header")
        if hashlib.sha256(body).hexdigest() != vector["bodySha256"]:
            fail(f"{label}: bodySha256")
        text = signed_text(vector["method"], vector["path"], vector["node"], str(vector["time"]), vector["nonce"], body)
        if text != vector["signed"].encode("utf-8") or text.hex() != vector["signedHex"]:
            fail(f"{label}: signed text differs from sync.md's rule")
        if hashlib.sha256(text).hexdigest() != vector["signedSha256"]:
            fail(f"{label}: signedSha256")
        expected_headers = {"Liandong-Node": vector["node"], "Liandong-Time": str(vector["time"]),
                            "Liandong-Nonce": vector["nonce"], "Liandong-Signature": vector["signature"]}
        if vector["headers"] != expected_headers:
            fail(f"{label}: headers differ from the fields")
        check_request_headers(private, {"method": vector["method"], "path": vector["path"],
                                        "headers": vector["headers"], "body": body}, label)
    return len(vectors["requests"])


def check_exchange(validators) -> int:
    vectors = json.loads((ROOT / "Protocol/vectors/exchange.json").read_bytes())
    keys = {}
    for entry in vectors["keys"]:
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(entry["seed"]))
        if private.public_key().public_bytes_raw().hex() != entry["publicKey"]:
            fail(f"exchange.json: key {entry['node']}: public key does not match the seed")
        keys[entry["node"]] = private
    steps = {step["request"]["path"].rsplit("/", 1)[1]: step for step in vectors["steps"]}
    for step in vectors["steps"]:
        label = f"exchange '{step['name'][:40]}'"
        request, response = step["request"], step["response"]
        text = request["bodyText"].encode("utf-8")
        try:
            if strict_loads(text) != request["body"]:
                fail(f"{label}: bodyText is not the body")
        except Rejected as error:
            fail(f"{label}: bodyText fails the strict parser ({error})")
        validate(validators, request["schema"], request["body"], label + " request")
        validate(validators, response["schema"], response["body"], label + " response")
        node = request["headers"]["Liandong-Node"]
        check_request_headers(keys[node], dict(request, body=text), label)
        for change in request["body"].get("changes", []) + response["body"].get("changes", []):
            check_change_integrity(change, keys, label)
    # The story holds together (sync.md, Worked example).
    hello, push, pull = steps["hello"], steps["push"], steps["pull"]
    village = hello["request"]["body"]["node"]
    parent_heads = hello["response"]["body"]["heads"]
    child_heads = hello["request"]["body"]["heads"]
    pushed = push["request"]["body"]["changes"]
    lacked = [o for o, h in child_heads.items() if h["seq"] > parent_heads.get(o, {"seq": 0})["seq"]]
    if lacked != [village]:
        fail(f"exchange: per the hello heads the parent lacks changes of {lacked}, not only the village's")
    seqs = [c["seq"] for c in pushed]
    if seqs != list(range(parent_heads[village]["seq"] + 1, child_heads[village]["seq"] + 1)):
        fail(f"exchange: pushed seqs {seqs} are not exactly what the parent lacks")
    previous = parent_heads[village]["hash"]
    for change in pushed:
        if change["prev"] != previous:
            fail(f"exchange: pushed change #{change['seq']} does not link to the parent's head")
        previous = change["hash"]
    if push["response"]["body"]["heads"][village] != child_heads[village]:
        fail("exchange: the push answer's head is not the village's head")
    body = push["response"]["body"]
    if body["stored"] + body["duplicates"] + len(body["quarantined"]) != len(pushed):
        fail("exchange: stored + duplicates + quarantined differs from the batch size")
    pulled = pull["response"]["body"]
    if pulled["epoch"] != hello["response"]["body"]["epoch"]:
        fail("exchange: the pull's epoch differs from the hello's")
    if pulled["next"] <= pull["request"]["body"]["after"]:
        fail("exchange: next does not advance past after")
    for change in pulled["changes"]:
        if change["origin"] == village:
            fail("exchange: the pull echoes the village's own change")
        if not any(p == "*" or p.startswith(village) for p in change["parties"]):
            fail("exchange: a pulled change is not routed to the village's subtree")
        head = parent_heads.get(change["origin"])
        if head and change["seq"] == head["seq"] + 1 and change["prev"] != head["hash"]:
            fail("exchange: the pulled change does not link to the parent's head of its origin")
    return len(vectors["steps"])


def check_messages(validators) -> int:
    vectors = json.loads((ROOT / "Protocol/vectors/messages.json").read_bytes())
    exchange = json.loads((ROOT / "Protocol/vectors/exchange.json").read_bytes())
    keys = {k["node"]: Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])) for k in exchange["keys"]}
    for entry in vectors["valid"]:
        label = f"valid {entry['schema']} '{entry['name']}'"
        validate(validators, entry["schema"], entry["message"], label)
        message = entry["message"]
        changes = [message] if entry["schema"] == "change" else message.get("changes", [])
        for change in changes:
            check_change_integrity(change, keys, label)
    for entry in vectors["invalid"]:
        if entry["schema"] not in validators:
            fail(f"invalid '{entry['name']}': no schema {entry['schema']}")
        elif validators[entry["schema"]].is_valid(entry["message"]):
            fail(f"schema {entry['schema']} accepts {entry['name']}")
    covered = {e["schema"] for e in vectors["valid"]} & {e["schema"] for e in vectors["invalid"]}
    for name in validators:
        if name not in ("catalog", "calendar", "sync-common") and name not in covered:
            fail(f"schema {name}: no valid and invalid examples in vectors/messages.json")
    # Limits the schemas carry: 5000 changes in a batch.
    change = json.loads(json.loads((ROOT / "Protocol/vectors/changes.json").read_bytes())["changes"][0]["wire"])
    if validators["push-request"].is_valid({"protocol": 1, "changes": [change] * 5001}):
        fail("push-request accepts 5001 changes")
    if not validators["push-request"].is_valid({"protocol": 1, "changes": [change] * 5000}):
        fail("push-request refuses 5000 changes")
    return len(vectors["valid"]) + len(vectors["invalid"])


EXAMPLE = re.compile(r"<!-- schema: ([a-z-]+) -->\s*```json\n(.*?)```", re.S)


def check_sync_md(validators) -> int:
    """Every JSON block of sync.md marked `<!-- schema: NAME -->` parses strictly and validates; the error and
    quarantine tables list exactly the codes of the schemas."""
    text = (ROOT / "Protocol/sync.md").read_text(encoding="utf-8")
    count = 0
    for match in EXAMPLE.finditer(text):
        count += 1
        label = f"sync.md example {count} ({match.group(1)})"
        try:
            instance = strict_loads(match.group(2).encode("utf-8"))
        except Rejected as error:
            fail(f"{label}: not strict JSON ({error})")
            continue
        validate(validators, match.group(1), instance, label)
    def table(heading: str) -> set:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0] if heading in text else ""
        return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    errors = set(json.loads((ROOT / "Protocol/schemas/error.schema.json").read_bytes())["properties"]["error"]["enum"])
    if table("\n## Errors") != errors:
        fail(f"sync.md error table differs from error.schema.json: {sorted(table(chr(10) + '## Errors') ^ errors)}")
    common = json.loads((ROOT / "Protocol/schemas/sync-common.schema.json").read_bytes())
    reasons = set(common["$defs"]["quarantineReason"]["enum"])
    if table("\n## Quarantine") != reasons:
        fail(f"sync.md quarantine table differs from the schema: {sorted(table(chr(10) + '## Quarantine') ^ reasons)}")
    return count


def check_openapi(validators) -> int:
    """openapi.yaml: valid OpenAPI 3.1 (when openapi-spec-validator is installed), the endpoints sync.md
    names, every schemas/ reference resolves, every JSON example of an error validates."""
    try:
        import yaml
    except ImportError:
        known.append("PyYAML is not installed: openapi.yaml not checked (pip install pyyaml)")
        return 0
    path = ROOT / "Protocol/openapi.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        from openapi_spec_validator import validate as validate_openapi
        validate_openapi(spec, base_uri=path.as_uri())
    except ImportError:
        known.append("openapi-spec-validator is not installed: openapi.yaml checked without it")
    except Exception as error:  # the validator's own error types
        fail(f"openapi.yaml: {str(error)[:300]}")
    expected = {"/sync/v1/hello", "/sync/v1/push", "/sync/v1/pull", "/sync/v1/fetch", "/sync/v1/enroll", "/healthz",
                "/metrics", "/public/v1/cases/{number}", "/api/v1/status", "/api/v1/cases", "/api/v1/cases/{number}",
                "/api/v1/notices", "/api/v1/filings", "/setup", "/",
                "/sync/v1/blobs/{sha256}", "/sync/v1/blobs/{sha256}/{offset}"}
    if set(spec.get("paths", {})) != expected:
        fail(f"openapi.yaml paths differ: {sorted(set(spec.get('paths', {})) ^ expected)}")
    count = 0

    def walk(node, where, schema_ref=None):
        nonlocal count
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("schemas/"):
                file, _, pointer = ref.partition("#")
                target = ROOT / "Protocol" / file
                if not target.exists():
                    fail(f"openapi.yaml {where}: {ref} does not exist")
                elif pointer:
                    value = json.loads(target.read_bytes())
                    for part in pointer.strip("/").split("/"):
                        value = value.get(part) if isinstance(value, dict) else None
                    if value is None:
                        fail(f"openapi.yaml {where}: {ref} does not resolve")
            schema = node.get("schema", {}).get("$ref") if isinstance(node.get("schema"), dict) else None
            name = schema[len("schemas/"):-len(".schema.json")] if schema and schema.startswith("schemas/") and "#" not in schema else None
            if name:
                examples = [node["example"]] if "example" in node else []
                examples += [e["value"] for e in node.get("examples", {}).values() if "value" in e]
                for example in examples:
                    count += 1
                    validate(validators, name, example, f"openapi.yaml {where} example")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(spec, "")
    return count


BUNDLE_MAGIC = b"LIANDONG-BUNDLE 1\n"


def check_bundle() -> int:
    """bundle.md: magic line, canonical header line, the files back to back, and an Ed25519
    signature over 'liandong-bundle-1\n' + hex(SHA-256(everything before it)) by the writer."""
    vector = json.loads((ROOT / "Protocol/vectors/bundle.json").read_bytes())
    changes = json.loads((ROOT / "Protocol/vectors/changes.json").read_bytes())
    keys = {k["origin"]: Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])) for k in changes["keys"]}
    data = bytes.fromhex(vector["hex"])
    if not data.startswith(BUNDLE_MAGIC):
        fail("bundle.json: no magic line")
        return 1
    body, signature = data[:-64], data[-64:]
    end = body.index(b"\n", len(BUNDLE_MAGIC))
    header_bytes = body[len(BUNDLE_MAGIC):end]
    try:
        header = strict_loads(header_bytes)
    except Rejected as error:
        fail(f"bundle.json: the header is not JSON: {error}")
        return 1
    if canonical(header) != header_bytes:
        fail("bundle.json: the header is not canonical JSON")
    if header.get("format") != "liandong-bundle" or header.get("version") != 1:
        fail("bundle.json: format/version")
    signer = keys.get(header["from"])
    if signer is None:
        fail(f"bundle.json: no key for writer {header['from']}")
        return 1
    if signer.public_key().public_bytes_raw().hex() != vector["publicKey"]:
        fail("bundle.json: publicKey is not the writer's")
    signed = b"liandong-bundle-1\n" + hashlib.sha256(body).hexdigest().encode("ascii")
    if signed.decode("utf-8") != vector["signed"]:
        fail("bundle.json: signed text differs")
    if not verifies(signer.public_key(), signature.hex(), signed):
        fail("bundle.json: signature does not verify")
    altered = b"liandong-bundle-1\n" + hashlib.sha256(body[:-1] + bytes([body[-1] ^ 1])).hexdigest().encode("ascii")
    if verifies(signer.public_key(), signature.hex(), altered):
        fail("bundle.json: an altered body still verifies")
    position = end + 1
    for entry in header["files"]:
        content = body[position:position + entry["size"]]
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            fail(f"bundle.json: file {entry['sha256'][:12]} does not hash to its name")
        position += entry["size"]
    if position != len(body):
        fail("bundle.json: the files do not fill the body exactly")
    if body[end + 1:end + 1 + len(vector["file"].encode())] != vector["file"].encode():
        fail("bundle.json: the file's bytes differ")
    for change in header["changes"]:
        check_change_integrity(change, keys, "bundle.json")
    return 1


def main() -> int:
    validators = schemas()
    count = check_canonical()
    count += check_changes(validators["change"])
    check_examples(validators)
    count += check_requests(validators)
    count += check_exchange(validators)
    count += check_messages(validators)
    count += check_sync_md(validators)
    count += check_openapi(validators)
    count += check_bundle()
    for message in known:
        print("known problem:", message)
    for message in failures:
        print("FAIL:", message)
    print(f"{count} vectors, schemas and examples checked: "
          f"{len(failures)} failures, {len(known)} known problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
