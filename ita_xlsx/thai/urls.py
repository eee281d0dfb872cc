"""Evidence URLs as officers paste them: unwrapping, and whether a URL is usable."""

from __future__ import annotations

import functools
import re
import unicodedata

from ita_xlsx.thai.text import _SPACES, clean_text

# ---------------------------------------------------------------------------- URLs

_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'>]+)""", re.IGNORECASE)
_URL_WRAPPERS = "<>\"'“”‘’«»`"


def clean_url(value: object) -> str:
    """An evidence URL as it was meant: whitespace inside removed, wrappers stripped."""
    text = clean_text(value)
    href = _HREF.search(text)
    if href:  # a pasted HTML anchor: the href is the address
        text = href.group(1)
    text = _SPACES.sub("", text)
    previous = None
    while text != previous:
        previous = text
        text = text.strip(_URL_WRAPPERS).rstrip(".,")
    return text


_LABEL_ASCII = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_FORBIDDEN = set('<>"\\^`{}')


def _valid_label(label: str) -> bool:
    if label.isascii():
        return bool(_LABEL_ASCII.fullmatch(label))
    if label.startswith("-") or label.endswith("-"):
        return False
    if not all(ch == "-" or ch.isascii() and ch.isalnum()
               or unicodedata.category(ch)[0] in "LM" for ch in label):
        return False
    try:
        return 0 < len(label.encode("idna")) <= 63
    except UnicodeError:
        return False


def _valid_host(host: str) -> bool:
    import ipaddress  # only needed when URLs are checked, not at CLI start-up

    if host == "localhost":
        return True
    # only what could be an address is tried as one (a name costs an exception otherwise):
    # IPv6 comes in brackets, IPv4 is digits and dots
    if host.startswith("[") or host.replace(".", "").isdigit():
        try:
            ipaddress.ip_address(host.strip("[]"))
            return True
        except ValueError:
            pass
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if len(labels) < 2 or not all(_valid_label(label) for label in labels):
        return False
    tld = labels[-1]
    # "1.2.3.999" is not an IP and not a name either
    return not tld.isdigit() and (not tld.isascii() or tld.startswith("xn--") or tld.isalpha())


_ASCII_URL_BAD = re.compile(
    "[\\x00-\\x20\\x7f" + "".join(re.escape(c) for c in _URL_FORBIDDEN if c.isascii()) + "]"
)


def is_valid_url(url: str) -> bool:
    """A well-formed http(s) address with a real host and no spaces or control characters.

    Surrounding whitespace is ignored; whitespace *inside* makes the URL invalid, so a raw
    cell with a line break in the address is reported (``clean_url`` gives the fix).
    """
    if not isinstance(url, str):
        return False
    return _valid_url(url.strip())


@functools.lru_cache(maxsize=1 << 16)  # validation, merge and the report ask of the same URLs
def _valid_url(url: str) -> bool:
    if url.isascii():  # the common case, checked with one regex instead of per character
        if _ASCII_URL_BAD.search(url):
            return False
    elif any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or ch in _URL_FORBIDDEN
             for ch in url):
        return False
    match = re.match(r"(?i)(https?)://([^/?#]*)", url)
    if not match:
        return False
    authority = match.group(2).rpartition("@")[2]
    host, port = authority, ""
    if not authority.startswith("["):
        host, _, port = authority.partition(":")
    elif "]:" in authority:
        host, _, port = authority.partition("]:")
        host += "]"
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    if ":" in authority and not port and not authority.startswith("["):
        return False  # "http://host:/"
    return bool(host) and _valid_host(host.lower())


