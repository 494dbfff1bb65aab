"""Turning people's words into safe file names (slugs) and short Markdown-safe text."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from ldkit.core.errors import InputError

MAX_SLUG = 80
MAX_TITLE = 200


_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # already a slug: nothing to do (a roster's 100,000 keys)


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Lower-case letters and digits joined by '-'; never '.', '/', or '..', so it stays a plain name.

    Accents are dropped (Résumé -> resume); other scripts are kept (注意 stays 注意).
    """
    if len(text) <= max_length and _PLAIN_SLUG.fullmatch(text):
        return text
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.split(r"[^\w]+|_", plain.lower())
    slug = "-".join(w for w in words if w)
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2:] else cut
    return slug.strip("-")


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 week', '2 weeks', '0 weeks': the count with its word, in the right number (`many` when not word + s)."""
    return f"{count:g} {word if count == 1 else (many or word + 's')}"


def title_slug(title: str) -> str:
    """The file name part for a workbook title, or a clear error when there is none."""
    if not title.strip():
        raise InputError("the title is empty", hint="give a title such as --title 'Attention is all you need'")
    if len(title) > MAX_TITLE:
        raise InputError(f"the title is {len(title):,} characters long; the limit is {MAX_TITLE}",
                         hint="keep the title short and put the details in the notebook")
    slug = slugify(title)
    if not slug:
        raise InputError(f"the title {title!r} has no letters or digits to name the file with",
                         hint="use a title with at least one letter or digit")
    return slug


def author_slug(author: str) -> str:
    slug = slugify(author, max_length=40)
    if not slug:
        raise InputError(f"the author {author!r} has no letters or digits to name a folder with",
                         hint="give --author NAME, or set LDKIT_AUTHOR")
    return slug


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>$~])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown (and math `$`) so a title renders as the characters typed."""
    one_line = " ".join(display_text(str(text)).split())
    return _MD_SPECIAL.sub(r"\\\1", one_line).replace("&", "&amp;")


# C0 and C1 controls (tab and newline kept), DEL, and the bidi embeddings, overrides and isolates that can make
# text read differently from what it is ("Trojan source"); lone surrogates and the noncharacters U+FFFE/U+FFFF, which
# no UTF-8 file or XML document can hold. Stored records keep what was typed; this is for showing.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def display_text(text: str) -> str:
    """`text` without terminal escapes, other control characters or bidi overrides: safe to show anywhere."""
    return _UNSAFE.sub("", str(text))


def display_tree(value: Any) -> Any:
    """Every string in a JSON-like value made display-safe (dict keys too)."""
    if isinstance(value, str):
        return _UNSAFE.sub("", value)
    if isinstance(value, dict):
        return {display_tree(k): display_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [display_tree(v) for v in value]
    return value


def escape_unsafe_json(text: str) -> str:
    """JSON text with the unsafe characters as \\u escapes: the same data, harmless on a terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
