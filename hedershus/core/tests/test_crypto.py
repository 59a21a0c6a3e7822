from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken

from hedershus.core import crypto


def test_text_round_trips_and_is_not_stored_in_clear():
    token = crypto.encrypt_text("Hon är rädd för sin bror")
    assert "rädd" not in token
    assert crypto.decrypt_text(token) == "Hon är rädd för sin bror"


def test_rotation_re_encrypts_under_the_new_key_and_old_tokens_still_read(settings):
    old_key = settings.ENCRYPTION_KEYS[0]
    token = crypto.encrypt_text("secret")
    new_key = crypto.generate_key()
    settings.ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt_text(token) == "secret"
    rotated = crypto.rotate_token(token)
    settings.ENCRYPTION_KEYS = [new_key]  # the old key retired
    assert crypto.decrypt_text(rotated) == "secret"
    with pytest.raises(InvalidToken):
        crypto.decrypt_text(token)
