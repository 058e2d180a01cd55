"""A small HTTP client for the real server: a cookie jar, forms with their CSRF token, file uploads,
and no following of redirects (so each answer can be checked)."""
import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 120) -> Answer:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode("utf-8", "replace"))

    def csrf_token(self, path: str) -> str:
        page = self.open(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path}: {page.status}"
        return match.group(1)

    def post(self, path: str, fields: dict, files: dict | None = None, form_path: str | None = None) -> Answer:
        fields = {"csrf_token": self.csrf_token(form_path or path), **fields}
        if not files:
            return self.open(path, urllib.parse.urlencode(fields).encode())
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def set_session_cookie(self, value: str) -> None:
        host = urllib.parse.urlsplit(self.base).hostname
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, "session", value, None, False, host, False, False, "/", True, False, None, False, None, None, {}))
