"""The prepared-key HMAC of verification gives exactly the hash of ``chain_hash``."""

from __future__ import annotations

import pytest

from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    ChainHasher,
    canonical,
    canonical_text,
    chain_hash,
)


@pytest.mark.parametrize(
    "key",
    [b"k" * 16, bytes(range(32)), b"x" * 64, b"een sleutel langer dan een blok " * 4, b"\xff" * 65],
)
def test_the_prepared_key_hashes_as_a_new_hmac(key: bytes) -> None:
    hasher = ChainHasher(key)
    previous = GENESIS
    for n in range(1, 6):
        fields = (str(n), "0" * 31 + str(n), "2026-01-01 00:00:00.000000", "c.jansen", None,
                  "inzien", "household", None, ["a-b", "Cé"], "doel ë", "ok", "kid")  # fmt: skip
        expected = chain_hash(key, previous, canonical(*fields))
        assert hasher.link(previous, canonical_text(*fields)) == expected
        previous = expected
