"""Hooks for `schemathesis run` (loaded through SCHEMATHESIS_HOOKS by test_api_schemathesis.py):
a tus chunk's body (`application/offset+octet-stream`, `PATCH /v1/evidence/{id}/{kind}`) is
raw bytes, which schemathesis generates once it knows the media type."""
import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
