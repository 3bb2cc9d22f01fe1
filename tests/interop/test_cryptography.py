"""Interop with pyca/cryptography (not our code): it verifies records from the native `offsign`
command line, and `offsign verify` accepts a record signed by cryptography."""
import base64
import hashlib
import json
import os
import subprocess
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
import pytest

ROOT = Path(__file__).resolve().parents[2]
OFFSIGN = os.environ.get("OFFSIGN_BIN", str(ROOT / "target/debug/offsign"))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def offsign(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([OFFSIGN, *args], capture_output=True, text=True)


def thumbprint(x: str) -> str:
    return b64url(hashlib.sha256(json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":")).encode()).digest())


def test_cryptography_verifies_cli_records(tmp_path: Path):
    keys = json.loads(offsign("keygen").stdout)
    (tmp_path / "w.jwk").write_text(json.dumps(keys["private"]))
    (tmp_path / "doc.pdf").write_bytes(b"%PDF consent form")
    out = offsign("sign", "--key", str(tmp_path / "w.jwk"), "--doc", str(tmp_path / "doc.pdf"), "--claims", '{"consent":true}')
    assert out.returncode == 0, out.stdout
    header_b64, payload_b64, sig_b64 = out.stdout.strip().split(".")

    public = Ed25519PublicKey.from_public_bytes(b64url_decode(keys["public"]["x"]))
    public.verify(b64url_decode(sig_b64), f"{header_b64}.{payload_b64}".encode())
    header = json.loads(b64url_decode(header_b64))
    payload = json.loads(b64url_decode(payload_b64))
    assert header["alg"] == "Ed25519"
    assert header["kid"] == payload["kid"] == thumbprint(keys["public"]["x"])
    assert payload["doc"]["sha256"] == b64url(hashlib.sha256(b"%PDF consent form").digest())
    assert payload["claims"] == {"consent": True}

    with pytest.raises(InvalidSignature):
        public.verify(b64url_decode(sig_b64), f"{header_b64}.{payload_b64}x".encode())


def test_cli_verifies_a_record_signed_by_cryptography(tmp_path: Path):
    private = Ed25519PrivateKey.generate()
    x = b64url(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": x}
    payload = {
        "v": 1, "id": "01937a5e-0000-7000-8000-000000000002", "seq": 1, "prev": None,
        "signedAt": "2026-11-25T09:30:00.000Z", "kid": thumbprint(x), "cert": None,
        "doc": {"sha256": b64url(hashlib.sha256(b"y").digest()), "name": "y.txt"}, "claims": {"from": "python"},
    }
    signing_input = b64url(json.dumps({"alg": "EdDSA"}).encode()) + "." + b64url(json.dumps(payload).encode())
    jws = signing_input + "." + b64url(private.sign(signing_input.encode()))
    (tmp_path / "pub.jwk").write_text(json.dumps(jwk))
    (tmp_path / "r.jws").write_text(jws)
    out = offsign("verify", "--jwk", str(tmp_path / "pub.jwk"), str(tmp_path / "r.jws"))
    assert out.returncode == 0, out.stdout
    assert json.loads(out.stdout) == payload

    head, body, sig = jws.split(".")
    flipped = sig[:10] + ("B" if sig[10] == "A" else "A") + sig[11:]
    (tmp_path / "t.jws").write_text(f"{head}.{body}.{flipped}")
    bad = offsign("verify", "--jwk", str(tmp_path / "pub.jwk"), str(tmp_path / "t.jws"))
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["code"] == "bad_signature"
