#!/usr/bin/env python3
"""Writes Protocol/vectors/requests.json and Protocol/vectors/exchange.json (Protocol/sync.md).

Deterministic: fixed seeds, fixed times, fixed nonces; Ed25519 is deterministic. Written from
Protocol/sync.md and Protocol/change.md alone with Python's json, hashlib and `cryptography`;
check_vectors.py checks the output independently (schemas, hashes, chains, signatures).

    python3 Protocol/tools/make_sync_vectors.py     # rewrites both files
"""
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "Protocol/vectors"


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def compact(value) -> str:
    """A request body as liandong might send it: compact, keys in the order written (not canonical)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def key(first: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(first, first + 32)))


def public_hex(private: Ed25519PrivateKey) -> str:
    return private.public_key().public_bytes_raw().hex()


def signed_text(method: str, path: str, node: str, time: int, nonce: str, body: bytes) -> str:
    return "\n".join(["liandong-sync-1", method, path, node, str(time), nonce, hashlib.sha256(body).hexdigest()])


def sign_request(private, method, path, node, time, nonce, body_text):
    body = body_text.encode("utf-8")
    text = signed_text(method, path, node, time, nonce, body)
    signature = private.sign(text.encode("utf-8")).hex()
    return text, signature


def make_change(private, origin, seq, prev, physical, logical, wall, actor, entity, kind, payload, parties):
    body = {"v": 1, "origin": origin, "seq": seq, "hlc": physical << 10 | logical, "wall": wall, "actor": actor,
            "entity": entity, "kind": kind, "payload": payload, "parties": parties, "prev": prev}
    digest = hashlib.sha256(canonical(body)).digest()
    return dict(body, hash=digest.hex(), sig=private.sign(digest).hex())


def placeholder_hash(label: str) -> str:
    """The hash of a change this example does not list (an earlier one): stands in for it."""
    return hashlib.sha256(("liandong example: " + label).encode("utf-8")).hexdigest()


def resident_id(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def requests_vectors() -> dict:
    township = key(0x01)
    code = "330106109"
    assert public_hex(township) == "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"
    changes = json.loads((VECTORS / "changes.json").read_bytes())["changes"]
    county_item, accepted, forwarded = (json.loads(c["wire"]) for c in changes)
    hello = {"protocol": 1, "node": code, "time": 1794985260000, "heads": {
        "330106": {"seq": 1, "hash": county_item["hash"]},
        "330106109": {"seq": 2, "hash": forwarded["hash"]}}}
    # The push body is written by hand around the canonical wire texts: request bodies need not be canonical.
    push_body = '{"protocol":1,"changes":[' + changes[1]["wire"] + "," + changes[2]["wire"] + "]}"
    pull = {"protocol": 1, "after": 0, "limit": 500, "wait": 20}
    specs = [
        ("hello: the township tells the county what it holds", "/sync/v1/hello", "hello-request",
         1794985260000, "8f14e45fceea167a5a36dedd4bea2543", compact(hello)),
        ("push: the township sends its two changes (gzip on the wire; the signature covers the JSON text)",
         "/sync/v1/push", "push-request", 1794985261200, "c9f0f895fb98ab9159f51fd0297e236d", push_body),
        ("pull: the township's first pull, long-polling up to 20 s", "/sync/v1/pull", "pull-request",
         1794985262000, "45c48cce2e2d7fbdea1afc51c7c6ad26", compact(pull)),
    ]
    out = []
    for name, path, schema, time, nonce, body in specs:
        text, signature = sign_request(township, "POST", path, code, time, nonce, body)
        out.append({
            "name": name, "schema": schema, "method": "POST", "path": path, "node": code, "time": time, "nonce": nonce,
            "body": body,
            "bodySha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "signed": text,
            "signedHex": text.encode("utf-8").hex(),
            "signedSha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "signature": signature,
            "headers": {"Liandong-Node": code, "Liandong-Time": str(time), "Liandong-Nonce": nonce,
                        "Liandong-Signature": signature},
        })
    return {
        "about": "Request-signing vectors (Protocol/sync.md, Authentication). The township key of vectors/changes.json "
                 "(seed bytes 0x01..0x20, code 330106109) signs three requests to its county. 'body' is the exact JSON text "
                 "sent (after gzip decoding); 'signed' is the exact text signed, 'signedHex' its UTF-8 bytes; 'signature' is "
                 "pure Ed25519 over those bytes. Generated by tools/make_sync_vectors.py, checked by tools/check_vectors.py "
                 "(re-derives every field, verifies, and checks that a changed body, path, time or nonce fails).",
        "key": {"node": code, "seed": bytes(range(1, 33)).hex(), "publicKey": public_hex(township)},
        "requests": out,
    }


def exchange_vectors() -> dict:
    county, township, village = key(0x21), key(0x01), key(0x41)
    V, T, C = "330106109201", "330106109", "330106"
    changes = json.loads((VECTORS / "changes.json").read_bytes())["changes"]
    item = json.loads(changes[1]["wire"])["payload"]["item"]  # 最低生活保障申请: villages accept, the county decides
    ms = lambda hh, mm, ss, milli=0: 1794873600000 + ((hh - 8) * 3600 + mm * 60 + ss) * 1000 + milli  # 2026-11-17 CST
    number = f"{V}-20261117-0001"
    heads_county = placeholder_hash("330106 seq 42")
    heads_village4 = placeholder_hash("330106109201 seq 4")
    accepted = make_change(
        village, V, 5, heads_village4, ms(9, 12, 5), 0, ms(9, 12, 5), "代办员-陈", number, "case.accepted",
        {"number": number, "queryCode": "H7K2QW9M", "item": item,
         "applicant": {"name": "王秀兰", "idType": "resident_id", "idNumber": resident_id("33010619520315122"),
                       "phone": "13905712345", "address": "长埭村 5 组 12 号"},
         "materials": ["application", "id_card", "household_register", "income_statement", "property_statement",
                       "verification_consent"],
         "delivery": {"method": "collect"}},
        [C, V])
    forwarded = make_change(
        village, V, 6, accepted["hash"], ms(9, 20, 40), 0, ms(9, 20, 40), "代办员-陈", number, "case.forwarded",
        {"to": T, "opinion": "材料齐全，报街道初审"}, [C, T, V])
    approved = make_change(
        county, C, 43, heads_county, ms(9, 41, 17, 302), 0, ms(9, 41, 17, 302), "首席审批员-周", number, "case.approved",
        {"opinion": "经审核，申请人家庭人均收入低于本县最低生活保障标准，准予纳入最低生活保障。"}, [C, T, V])
    epoch = "5f3c9a0e7b1d4c26a8e4f0b9d2c7e613"
    village_heads = {C: {"seq": 41, "hash": placeholder_hash("330106 seq 41")},
                     T: {"seq": 309, "hash": placeholder_hash("330106109 seq 309")},
                     V: {"seq": 6, "hash": forwarded["hash"]}}
    township_heads = {C: {"seq": 42, "hash": heads_county},
                      T: {"seq": 317, "hash": placeholder_hash("330106109 seq 317")},
                      V: {"seq": 4, "hash": heads_village4},
                      "330106109202": {"seq": 88, "hash": placeholder_hash("330106109202 seq 88")}}
    steps = []

    def step(name, path, schema, response_schema, time, nonce, body, status, response):
        text = compact(body)
        signed, signature = sign_request(village, "POST", path, V, time, nonce, text)
        steps.append({
            "name": name,
            "request": {"method": "POST", "path": path, "schema": schema,
                        "headers": {"Liandong-Node": V, "Liandong-Time": str(time), "Liandong-Nonce": nonce,
                                    "Liandong-Signature": signature},
                        "body": body, "bodyText": text},
            "response": {"status": status, "schema": response_schema, "body": response},
        })

    step("the village's first hello after a day offline", "/sync/v1/hello", "hello-request", "hello-response",
         ms(9, 30, 0), "1f0e3dad99908345f7439f8ffabdffc4",
         {"protocol": 1, "node": V, "time": ms(9, 30, 0), "heads": village_heads},
         200, {"protocol": 1, "node": T, "time": ms(9, 30, 0, 184), "epoch": epoch, "heads": township_heads,
               "quarantined": []})
    step("push: the township lacks seq 5 and 6 of the village", "/sync/v1/push", "push-request", "push-response",
         ms(9, 30, 0, 412), "70efdf2ec9b086079795c442636b55fb",
         {"protocol": 1, "changes": [accepted, forwarded]},
         200, {"stored": 2, "duplicates": 0, "quarantined": [], "heads": {V: {"seq": 6, "hash": forwarded["hash"]}}})
    step("pull: nothing new, the township holds the request until the county's approval arrives", "/sync/v1/pull",
         "pull-request", "pull-response", ms(9, 41, 10, 5), "6f4922f45568161a8cdf4ad2299f6d23",
         {"protocol": 1, "after": 1874, "limit": 500, "wait": 20},
         200, {"changes": [approved], "next": 1877, "more": False, "epoch": epoch})
    return {
        "about": "The worked example of Protocol/sync.md: village 330106109201 (seed bytes 0x41..0x60) syncs with township "
                 "330106109; the approval is signed by county 330106 (seed bytes 0x21..0x40). Hashes named 'liandong "
                 "example: …' stand for changes the example does not list. Each request's headers sign 'bodyText' "
                 "(the compact text of 'body'). Generated by tools/make_sync_vectors.py, checked by tools/check_vectors.py.",
        "keys": [{"node": n, "seed": bytes(range(f, f + 32)).hex(), "publicKey": public_hex(k)}
                 for n, f, k in ((C, 0x21, county), (T, 0x01, township), (V, 0x41, village))],
        "steps": steps,
    }


def without(value: dict, *keys) -> dict:
    return {k: v for k, v in value.items() if k not in keys}


def messages_vectors(exchange: dict) -> dict:
    county, township, village = key(0x21), key(0x01), key(0x41)
    V, T, C = "330106109201", "330106109", "330106"
    hello, push, pull = exchange["steps"]
    accepted, forwarded = push["request"]["body"]["changes"]
    registered = make_change(
        township, T, 318, placeholder_hash("330106109 seq 317"), 1794859932000, 0, 1794859932000, "admin",
        f"node:{V}", "node.registered",
        {"code": V, "role": "village", "name": "长埭村代办点", "publicKey": public_hex(village)}, ["*"])
    revoked = make_change(
        county, C, 44, placeholder_hash("330106 seq 43"), 1795478400000, 0, 1795478400000, "admin",
        "node:330106109202", "node.revoked", {"code": "330106109202", "reason": "代办点电脑丢失，密钥作废"}, ["*"])
    # The township re-keys its village after the village's disk died with no backup: the new key signs from #58.
    new_village = key(0x61)
    rekeyed = make_change(
        township, T, 412, placeholder_hash("330106109 seq 411"), 1796000000000, 0, 1796000000000, "管理员-周",
        f"node:{V}", "node.rekeyed", {"code": V, "publicKey": public_hex(new_village), "fromSeq": 58, "reason": "硬盘损坏，密钥丢失"}, ["*"])
    report = {"origin": "330106109202", "seq": 89, "hash": placeholder_hash("330106109202 seq 89, altered"),
              "reason": "bad_signature", "message": "变更 330106109202#89 的签名无效：伪造或被篡改"}
    enroll_request = {"protocol": 1, "token": "3f9a0c5e7d1b24681357acef02468ace13579bdf0246813579bdf02468ace135", "code": V, "role": "village",
                      "name": "长埭村代办点", "publicKey": public_hex(village)}
    enroll_response = {
        "parent": {"code": T, "role": "township", "name": "转塘街道便民服务中心", "publicKey": public_hex(township)},
        "registry": [
            {"code": C, "role": "county", "name": "西湖区政务服务中心", "publicKey": public_hex(county), "revoked": False},
            {"code": T, "role": "township", "name": "转塘街道便民服务中心", "publicKey": public_hex(township), "revoked": False},
            {"code": V, "role": "village", "name": "长埭村代办点", "publicKey": public_hex(village), "revoked": False},
        ]}
    hello_response = dict(hello["response"]["body"], quarantined=[report])
    valid = [
        ("hello-request", "the worked example's hello", hello["request"]["body"]),
        ("hello-response", "a hello answer carrying a quarantine report", hello_response),
        ("push-request", "the worked example's push", push["request"]["body"]),
        ("push-response", "one stored, one duplicate, one quarantined",
         {"stored": 1, "duplicates": 1, "quarantined": [report], "heads": {"330106109202": {"seq": 90, "hash": placeholder_hash("330106109202 seq 90")}}}),
        ("pull-request", "a pull that answers at once", {"protocol": 1, "after": 0, "limit": 5000, "wait": 0}),
        ("pull-response", "a long-poll that ended with nothing", {"changes": [], "next": 1874, "more": False, "epoch": "5f3c9a0e7b1d4c26a8e4f0b9d2c7e613"}),
        ("fetch-request", "a restored village asks for its own chain after seq 4", {"protocol": 1, "origin": V, "after": 4, "limit": 500}),
        ("blob-status", "the county holds 1 MiB of a 6 MiB scan: the village resumes there",
         {"sha256": hashlib.sha256(b"scan").hexdigest(), "size": 6291456, "held": 1048576, "complete": False}),
        ("fetch-response", "the township's copies of seq 5 and 6", {"changes": [accepted, forwarded], "more": False}),
        ("enroll-request", "a village enrolls with its token", enroll_request),
        ("enroll-response", "the township answers with the registry", enroll_response),
        ("error", "unsupported protocol", {"error": "unsupported_protocol", "message": "不支持的协议版本 2，本节点支持 1", "supported": [1]}),
        ("error", "invalid message names the field", {"error": "invalid_message", "message": "字段 wait 应为 0 到 30 的整数", "field": "wait"}),
        ("error", "clock skew says by how much", {"error": "clock_skew", "message": "本节点时钟比上级快 432 秒（上限 300 秒），请校准时钟后再同步", "aheadSeconds": 432, "parentTime": 1794879000184}),
        ("error", "clock skew found by the request time check", {"error": "clock_skew", "message": "请求方时钟比本节点快 432 秒（上限 300 秒），请校准时钟后再同步", "aheadSeconds": 432, "serverTime": 1794879000184}),
        ("error", "stale request", {"error": "stale_request", "message": "请求时间比本节点慢 412 秒，超过 5 分钟：请校准时钟", "serverTime": 1794879000184}),
        ("error", "missing headers", {"error": "unauthenticated", "message": "缺少签名头：Liandong-Nonce, Liandong-Signature", "missing": ["Liandong-Nonce", "Liandong-Signature"]}),
        ("error", "body too large", {"error": "body_too_large", "limit": 16777216, "message": "请求体超过 16777216 字节的上限"}),
        ("error", "a token made for another node", {"error": "code_mismatch", "message": "加入口令是为「长埭村代办点」（330106109201，village）签发的，与本次申请的「长埭村」（330106109201，village）不符", "code": V, "role": "village", "name": "长埭村代办点"}),
        ("error", "a code that already has a key", {"error": "already_enrolled", "message": "节点 330106109201 已用另一把公钥登记。原节点数据丢失时请从备份恢复（liandong restore）；没有备份时由直接上级重新登记密钥（liandong node rekey）", "code": V}),
        ("error", "a re-enrolment with a key the code already had", {"error": "key_reused", "message": "重新登记须使用新生成的密钥，这把公钥已为节点 330106109201 用过", "code": V}),
        ("enroll-response", "the answer to a re-enrolled village: its key history", dict(enroll_response, registry=enroll_response["registry"][:2] + [
            {"code": V, "role": "village", "name": "长埭村代办点", "publicKey": public_hex(new_village), "revoked": False,
             "keys": [{"fromSeq": 1, "publicKey": public_hex(village)}, {"fromSeq": 58, "publicKey": public_hex(new_village)}]}])),
        ("quarantine-report", "a change signed with a key retired before its seq",
         {"origin": V, "seq": 58, "hash": placeholder_hash("330106109201 seq 58, old key"), "reason": "retired_key",
          "message": "变更 330106109201#58 用已停用的旧密钥签名：该节点自 #58 起已由上级重新登记新密钥，旧密钥可能已落入他人之手"}),
        ("enroll-response", "a revoked node in the registry", dict(enroll_response, registry=enroll_response["registry"] + [
            {"code": "330106109202", "role": "village", "name": "龙坞村代办点", "publicKey": placeholder_hash("330106109202 key"), "revoked": True, "revokedHlc": 1838556569600000}])),
        ("pull-request", "a pull without wait (0)", {"protocol": 1, "after": 12, "limit": 100}),
        ("hello-request", "a field this version does not know is ignored", dict(hello["request"]["body"], agent="liandong 0.3")),
        ("hello-request", "a township reports the clocks below it",
         dict(hello["request"]["body"], clocks=[{"node": V, "offset": 126144000000, "at": 1794985200000}, {"node": "330106109202", "offset": -3000, "at": 1794985100000}])),
        ("hello-response", "a restored parent waiting for its children", dict(hello_response, healing=True)),
        ("node-healed", "the operator ended the wait for a township that is gone",
         {"code": C, "mode": "ended", "restoredAt": 1794985000000, "waived": ["330106110"], "lost": [47, 48], "reason": "双浦镇服务器硬盘损毁，不会再回来"}),
        ("node-healed", "every child returned what it holds; one change was only at the county", {"code": C, "mode": "complete", "restoredAt": 1794985000000, "waived": [], "lost": [47]}),
        ("quarantine-report", "a bad signature", report),
        ("node-registered", "the payload of a registration", registered["payload"]),
        ("node-revoked", "the payload of a revocation", revoked["payload"]),
        ("node-revoked", "a revocation without a reason", {"code": "330106109202"}),
        ("node-rekeyed", "the payload of a re-key", rekeyed["payload"]),
        ("change", "node.rekeyed made by the village's township", rekeyed),
        ("node-certificate", "the county announces its current and its next key", {"code": C, "pins": ["27zVsFQzcExrBaNNtOzVzLXh2+YMp5M8aZxVYyXwdmY=", "0yVHxMyIRA1OvfN/hEFM59iApYVSMflQjza8wtAuHQU="]}),
        ("change", "node.registered made by the enrolling township", registered),
        ("change", "node.revoked made by the county", revoked),
    ]
    h = hello["request"]["body"]
    pr = push["request"]["body"]
    invalid = [
        ("hello-request", "another protocol version", dict(h, protocol=2)),
        ("hello-request", "a head keyed by something that is not a node code", dict(h, heads={"abc": {"seq": 1, "hash": "0" * 64}})),
        ("hello-request", "a head with an upper-case hash", dict(h, heads={V: {"seq": 1, "hash": "A" * 64}})),
        ("hello-request", "no time", without(h, "time")),
        ("hello-request", "a node code of 8 digits", dict(h, node="33010610")),
        ("hello-response", "no epoch", without(hello_response, "epoch")),
        ("hello-request", "a clock report without its node", dict(h, clocks=[{"offset": 1000, "at": 1794985200000}])),
        ("hello-request", "a clock offset that is not an integer", dict(h, clocks=[{"node": V, "offset": "1s", "at": 1794985200000}])),
        ("hello-response", "healing as a string", dict(hello_response, healing="yes")),
        ("node-healed", "a lost seq 0", {"code": C, "mode": "complete", "restoredAt": 1794985000000, "waived": [], "lost": [0]}),
        ("node-healed", "a mode that does not exist", {"code": C, "mode": "abandoned", "restoredAt": 1794985000000, "waived": [], "lost": []}),
        ("hello-response", "a report with an unknown reason", dict(hello_response, quarantined=[dict(report, reason="bad_luck")])),
        ("push-request", "no changes", dict(pr, changes=[])),
        ("push-request", "a change with an upper-case hash", dict(pr, changes=[dict(accepted, hash=accepted["hash"].upper())])),
        ("push-request", "a change with an unknown field (the envelope is strict)", dict(pr, changes=[dict(accepted, lsn=7)])),
        ("push-request", "no protocol", without(pr, "protocol")),
        ("push-response", "a negative count", {"stored": -1, "duplicates": 0, "quarantined": [], "heads": {}}),
        ("push-response", "no heads", {"stored": 0, "duplicates": 0, "quarantined": []}),
        ("pull-request", "a wait over 30 s", {"protocol": 1, "after": 0, "limit": 500, "wait": 31}),
        ("pull-request", "no limit", {"protocol": 1, "after": 0, "wait": 0}),
        ("pull-request", "limit 0", {"protocol": 1, "after": 0, "limit": 0, "wait": 0}),
        ("pull-request", "limit over 5000", {"protocol": 1, "after": 0, "limit": 5001, "wait": 0}),
        ("pull-request", "a negative cursor", {"protocol": 1, "after": -1, "limit": 500, "wait": 0}),
        ("pull-request", "a cursor as a string", {"protocol": 1, "after": "1874", "limit": 500, "wait": 0}),
        ("pull-response", "no epoch", {"changes": [], "next": 0, "more": False}),
        ("pull-response", "more as a string", {"changes": [], "next": 0, "more": "no", "epoch": "e1"}),
        ("fetch-request", "a five-digit origin", {"protocol": 1, "origin": "33010", "after": 0, "limit": 500}),
        ("fetch-request", "limit over 5000", {"protocol": 1, "origin": V, "after": 0, "limit": 6000}),
        ("blob-status", "an upper-case file name", {"sha256": hashlib.sha256(b"scan").hexdigest().upper(), "size": 1, "held": 0, "complete": False}),
        ("fetch-response", "no more", {"changes": []}),
        ("enroll-request", "a role that does not exist", dict(enroll_request, role="city")),
        ("enroll-request", "a public key one digit short", dict(enroll_request, publicKey=enroll_request["publicKey"][:-1])),
        ("enroll-request", "no token", without(enroll_request, "token")),
        ("enroll-request", "an unknown field (enroll is read strictly)", dict(enroll_request, city="杭州")),
        ("enroll-response", "a registry entry without revoked",
         dict(enroll_response, registry=[without(enroll_response["registry"][0], "revoked")])),
        ("enroll-response", "an upper-case parent key",
         dict(enroll_response, parent=dict(enroll_response["parent"], publicKey=enroll_response["parent"]["publicKey"].upper()))),
        ("error", "an unknown code", {"error": "oops", "message": "出错了"}),
        ("error", "no message", {"error": "internal"}),
        ("error", "clock skew without aheadSeconds", {"error": "clock_skew", "message": "时钟过快"}),
        ("error", "unsupported protocol without the supported versions", {"error": "unsupported_protocol", "message": "不支持的协议版本"}),
        ("quarantine-report", "an unknown reason", dict(report, reason="whatever")),
        ("quarantine-report", "seq 0", dict(report, seq=0)),
        ("quarantine-report", "no message", without(report, "message")),
        ("node-registered", "no public key", without(registered["payload"], "publicKey")),
        ("node-registered", "a role that does not exist", dict(registered["payload"], role="province")),
        ("node-revoked", "no code", {"reason": "作废"}),
        ("node-certificate", "no pin at all", {"code": C, "pins": []}),
        ("node-rekeyed", "a cut-over at seq 0", dict(rekeyed["payload"], fromSeq=0)),
        ("node-rekeyed", "a blank reason", dict(rekeyed["payload"], reason=" ")),
        ("node-rekeyed", "no reason", without(rekeyed["payload"], "reason")),
        ("change", "node.rekeyed routed to one node only", dict(rekeyed, parties=[V])),
        ("enroll-response", "a key history entry without fromSeq", dict(enroll_response, registry=[
            dict(enroll_response["registry"][2], keys=[{"publicKey": public_hex(village)}])])),
        ("node-certificate", "a pin that is not base64 of 32 bytes", {"code": C, "pins": ["sha256//abc"]}),
        ("change", "node.registered routed to one node only", dict(registered, parties=[T])),
        ("change", "node.registered without a public key", dict(registered, payload=without(registered["payload"], "publicKey"))),
        ("change", "node.revoked about a case", dict(revoked, entity="330106109202-20261201-0001")),
    ]
    return {
        "about": "Sync messages that the schemas must accept ('valid') and refuse ('invalid'), by schema file "
                 "(schemas/NAME.schema.json). Generated by tools/make_sync_vectors.py, checked by tools/check_vectors.py. "
                 "The two changes are real: their hashes and signatures verify with the keys of vectors/exchange.json.",
        "valid": [{"schema": s, "name": n, "message": m} for s, n, m in valid],
        "invalid": [{"schema": s, "name": n, "message": m} for s, n, m in invalid],
    }


def write(name: str, value) -> None:
    (VECTORS / name).write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write("requests.json", requests_vectors())
    exchange = exchange_vectors()
    write("exchange.json", exchange)
    write("messages.json", messages_vectors(exchange))
