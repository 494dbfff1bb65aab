import pytest

from ldkit.core.errors import InputError
from ldkit.core.text import author_slug, escape_markdown, slugify, title_slug


@pytest.mark.parametrize("text, slug", [
    ("MAML: first-order", "maml-first-order"),
    ("Résumé — 注意", "resume-注意"),
    ("../../etc/passwd", "etc-passwd"),
    ("  spaces   everywhere ", "spaces-everywhere"),
    ("snake_case_name", "snake-case-name"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slug_never_has_path_parts():
    for text in ("..", "../x", "a/b\\c", ".hidden", "~/x"):
        slug = slugify(text)
        assert "/" not in slug and "\\" not in slug and not slug.startswith(".")


@pytest.mark.parametrize("title, message", [
    ("", "the title is empty"),
    ("   ", "the title is empty"),
    ("?!…—", "has no letters or digits"),
    ("x" * 2000, "2,000 characters long; the limit is 200"),
])
def test_bad_titles(title, message):
    with pytest.raises(InputError) as info:
        title_slug(title)
    assert message in str(info.value)


def test_long_slug_is_cut_at_a_word():
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("word")


def test_author_slug():
    assert author_slug("../root") == "root"
    assert author_slug("Chen Wei") == "chen-wei"
    with pytest.raises(InputError, match="no letters or digits"):
        author_slug("../")


def test_escape_markdown_keeps_characters_literal():
    assert escape_markdown("a $x$ *b* _c_ <script>") == r"a \$x\$ \*b\* \_c\_ \<script\>"
