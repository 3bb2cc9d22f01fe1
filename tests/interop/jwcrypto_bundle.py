"""Checks an offsign evidence bundle with jwcrypto, a JOSE implementation that is not ours
(the third, beside npm `jose` and pyca/cryptography): the certificate and the receipt under the
authority's key, the record under the key its certificate names. Used by
tests/console-records.test.mjs on a bundle downloaded from a real server.

Usage: python3 jwcrypto_bundle.py BUNDLE.zip AUTHORITY.jwk; prints a JSON object of what it
verified, or exits 1 with the reason."""
import json
import sys
import zipfile

from jwcrypto import jwk, jws


def verified_payload(token: str, key: jwk.JWK) -> dict:
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key)  # raises on a bad signature; the algorithm comes from the header
    return json.loads(signed.payload)


def main(bundle_path: str, authority_path: str) -> dict:
    authority = jwk.JWK.from_json(open(authority_path).read())
    with zipfile.ZipFile(bundle_path) as bundle:
        read = lambda name: bundle.read(name).decode()
        certificate = verified_payload(read("certificate.jws"), authority)
        worker_key = jwk.JWK(**certificate["jwk"])
        record = verified_payload(read("record.jws"), worker_key)
        receipt = verified_payload(read("receipt.jws"), authority)
    if record["cert"] != certificate["serial"] or receipt["id"] != record["id"]:
        raise ValueError("the parts do not belong together")
    return {"record": record["id"], "certificate": certificate["serial"], "receipt": receipt["receivedAt"], "kid": worker_key.thumbprint()}


if __name__ == "__main__":
    try:
        print(json.dumps(main(sys.argv[1], sys.argv[2])))
    except Exception as e:  # noqa: BLE001 - any failure is a refusal, said on stdout
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        sys.exit(1)
