"""The secrets an email carries, made at the moment it is sent: a link's token and a 6-digit code
come from the secret key and a random nonce stored with the request or code; only their hashes are
stored, and the outbox holds ((link)) and ((code)) placeholders, never the values."""
import base64
import hashlib
import hmac

from flask import current_app

from tep_app.models import AccessCode


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def keyed(message: str) -> bytes:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def link_token(school_request_id: int, nonce: str) -> str:
    """The token of a request's link with this nonce: 43 URL-safe characters, made with the secret key."""
    return base64.urlsafe_b64encode(keyed(f"link:{school_request_id}:{nonce}")).decode("ascii").rstrip("=")


def link_url(school_request_id: int, nonce: str) -> str:
    return f"{current_app.config['BASE_URL']}/school/start/{link_token(school_request_id, nonce)}"


def access_code_value(access_code: AccessCode) -> str:
    """The 6 digits of a code, made from its nonce and the secret key."""
    number = int.from_bytes(keyed(f"code:{access_code.school_request_id}:{access_code.nonce}")[:8], "big")
    return f"{number % 1_000_000:06d}"


# The kind of the email that carries a staff member's one-time link to clear their sign-in throttles.
UNLOCK_KIND = "sign_in_unlock"


def unlock_token(nonce: str) -> str:
    """The token of a sign-in unlock link with this nonce, made with the secret key."""
    return base64.urlsafe_b64encode(keyed(f"unlock:{nonce}")).decode("ascii").rstrip("=")


def unlock_url(nonce: str) -> str:
    return f"{current_app.config['BASE_URL']}/sign-in/unlock/{unlock_token(nonce)}"
