"""Writes the seed inputs of the fuzz targets into corpus/<target>/ (and the server's request
bodies into ../../server/fuzz/corpus/request/): valid examples of every
format, signed (where signed) by the key the fuzz targets trust (the Ed25519 seed of 32 bytes
of 7, see crate/src/fuzzing.rs), so that the fuzzer starts from inputs that reach the checks
behind the parsers. Run once from this folder: python3 make_seeds.py (needs `cryptography`).
"""
import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY = Ed25519PrivateKey.from_private_bytes(bytes([7] * 32))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


X = b64(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
JWK = {"kty": "OKP", "crv": "Ed25519", "x": X}
KID = b64(hashlib.sha256(json.dumps(JWK, sort_keys=True, separators=(",", ":")).encode()).digest())


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def jws(typ: str, payload: bytes) -> str:
    header = b64(compact({"alg": "Ed25519", "typ": typ, "kid": KID}))
    signing_input = f"{header}.{b64(payload)}"
    return f"{signing_input}.{b64(KEY.sign(signing_input.encode()))}"


def record(seq: int, prev):
    doc = {"sha256": b64(hashlib.sha256(f"doc {seq}".encode()).digest()), "name": f"r-{seq}.pdf", "type": "application/pdf", "size": 5}
    return {"v": 1, "id": f"0193a000-0000-7000-8000-00000000000{seq}", "seq": seq, "prev": prev,
            "signedAt": f"2026-11-25T08:0{seq}:00.000Z", "kid": KID, "cert": "s-1", "doc": doc,
            "claims": {"recipient": "A. Jones", "geo": {"lat": 51.5, "lon": -0.12}}}


first = jws("offsign-record+jws", compact(record(1, None)))
second = jws("offsign-record+jws", compact(record(2, b64(hashlib.sha256(first.encode()).digest()))))
payloads = {
    0: record(1, None),
    1: {"v": 1, "serial": "s-1", "sub": "w", "iss": "fuzz", "jwk": JWK, "nbf": 1795000000, "exp": 1795086400},
    2: {"v": 1, "iss": "fuzz", "issuedAt": 1795000000, "nextUpdate": 1795086400, "revoked": ["s-2", "s-3"]},
    3: {"v": 1, "iss": "fuzz", "id": "0193a000-0000-7000-8000-000000000001", "hash": b64(b"h" * 32), "receivedAt": "2026-11-25T08:00:00.000Z"},
    4: {"v": 1, "serial": "s-1", "requestedAt": "2026-11-25T08:00:00.000Z"},
    5: {"v": 1, "cert": "s-1", "report": {"id": "r-1", "fingerprint": "f", "code": "wrong_pin", "message": "m", "remedy": "r",
        "operation": "unlock", "kid": KID, "firstAt": "2026-11-25T08:00:00.000Z", "lastAt": "2026-11-25T08:00:00.000Z",
        "count": 1, "appVersion": "1", "userAgent": "ua", "comment": "the pad froze", "state": "pending"}},
    6: {"v": 1, "code": "0" * 64, "challenge": "2026-11-25T08:00:00.000Z"},
}
typs = ["offsign-record+jws", "offsign-cert+jws", "offsign-crl+jws", "offsign-receipt+jws", "offsign-renewal+jws",
        "offsign-report+jws", "offsign-enroll+jws"]
sealed = {"v": 1, "kid": KID, "kdf": {"alg": "argon2id", "m": 8192, "t": 1, "p": 1, "salt": b64(b"s" * 16)},
          "aead": "xchacha20poly1305", "nonce": b64(b"n" * 24), "ciphertext": b64(b"c" * 48)}
identity = {"kid": KID, "label": "A. Jones", "sealed": sealed, "publicJwk": JWK, "chain": {"seq": 2, "hash": b64(hashlib.sha256(second.encode()).digest()), "signedAt": "2026-11-25T08:02:00.000Z"},
            "lockout": {"failures": 0, "waitUntil": 0}, "createdAt": "2026-11-25T07:00:00.000Z"}
rows = [{"id": record(i, None)["id"], "kid": KID, "seq": i, "signedAt": record(i, None)["signedAt"], "jws": j,
         "hash": b64(hashlib.sha256(j.encode()).digest()), "docName": f"r-{i}.pdf", "state": "pending", "attempts": 0}
        for i, j in [(1, first), (2, second)]]
contents = {"v": 1, "createdAt": "2026-11-25T09:00:00.000Z", "identities": [identity], "records": rows, "reports": []}
backup_file = {"format": "offsign-backup", "v": 1, "kdf": sealed["kdf"], "aead": "xchacha20poly1305",
               "nonce": b64(b"n" * 24), "ciphertext": b64(b"c" * 64)}



def bundle(record_jws: str, previous, document: bytes) -> bytes:
    """An evidence bundle of `record_jws`, as offsign writes one (stored entries)."""
    payload = json.loads(base64.urlsafe_b64decode(record_jws.split(".")[1] + "=="))
    receipt = dict(payloads[3], id=payload["id"], hash=b64(hashlib.sha256(record_jws.encode()).digest()))
    entries = {
        "offsign-bundle.json": compact({"format": "offsign-evidence-bundle", "v": 1, "record": payload["id"], "authority": JWK,
                                        "documentName": payload["doc"]["name"], "madeAt": "2026-11-25T09:00:00.000Z"}),
        "record.jws": record_jws.encode(),
        "certificate.jws": jws(typs[1], compact(payloads[1])).encode(),
        "revocation-list.jws": jws(typs[2], compact(payloads[2])).encode(),
        "receipt.jws": jws(typs[3], compact(receipt)).encode(),
        **({"previous-record.jws": previous.encode()} if previous else {}),
        f"document/{payload['doc']['name']}": document,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zip_file:
        for name, data in entries.items():
            zip_file.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


seeds = {
    "bundle": [bundle(first, None, b"doc 1"), bundle(second, first, b"doc 2")],
    "json": [compact(p) for p in payloads.values()] + [compact(JWK), compact(sealed), compact(identity), compact(rows[0]), compact(contents)],
    "jws": [first.encode(), second.encode()] + [jws(typs[k], compact(p)).encode() for k, p in payloads.items()],
    "signed": [bytes([k]) + compact(p) for k, p in payloads.items()],
    "backup": [b"\x00" + compact(backup_file), b"\x01" + compact(contents)],
}
for target, inputs in seeds.items():
    folder = Path(__file__).parent / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(inputs):
        (folder / f"seed-{i:02}").write_bytes(data)

# The server's request bodies (server/fuzz, target `request`): the first byte picks the endpoint.
renewal = jws("offsign-renewal+jws", compact(payloads[4]))
report = jws("offsign-report+jws", compact(payloads[5]))
proof = jws("offsign-enroll+jws", compact({"v": 1, "code": hashlib.sha256(b"ABCDEFGHJKMN").hexdigest(), "challenge": "2026-11-25T08:00:00.000Z"}))
bodies = [
    b"\x00" + compact({"code": "ABCD-EFGH-JKMN", "jwk": JWK, "proof": proof}),
    b"\x01" + compact({"records": [first, second]}),
    b"\x02" + compact({"request": renewal}),
    b"\x03" + compact({"reports": [report]}),
]
folder = Path(__file__).parent.parent.parent / "server" / "fuzz" / "corpus" / "request"
folder.mkdir(parents=True, exist_ok=True)
for i, data in enumerate(bodies):
    (folder / f"seed-{i:02}").write_bytes(data)
