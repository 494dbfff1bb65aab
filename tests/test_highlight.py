"""The combined-alternation lexer gives exactly Pygments' tokens (it only runs the same rules faster)."""
import pytest
from pygments import highlight
from pygments.lexers import get_lexer_by_name

from ldkit.render import highlight as hl

PYTHON = '''%matplotlib inline
!pip install numpy
np.linspace?
@decorator(arg=1)
class Model(nn.Module):
    """Doc with 'quotes' and {braces}."""
    def forward(self, x: int = 0x1F, *args, **kw) -> "Tensor":
        s = f"{x!r:>10} and {{literal}} {kw['a']}" + rb'\\x00' + Rf"{x}" + u'ü'
        return [i ** 2 for i in range(10) if i not in (1, 2) and i is not None]  # comment
lambda: print(1.5e-3j, 1_000, ...)
async def f():
    await g()
x = """multi
line""" ; match x:
    case [a, *_]: pass
if (unclosed
'''


@pytest.mark.parametrize("language, source", [
    ("ipython3", PYTHON),
    ("python", PYTHON),
    ("bash", 'for f in *.ipynb; do echo "$f" $(wc -c < "$f"); done # done\nexport PATH=$HOME/bin:$PATH\n'),
    ("json", '{"a": [1, 2.5, true, null, "x\\"y"]}\n'),
    ("r", 'df <- read.csv("x.csv")\nsummary(df$col) # note\n'),
    ("sql", "SELECT a, count(*) FROM t WHERE b = 'x' GROUP BY a;\n"),
])
def test_the_same_html_as_pygments(language, source):
    fast = hl.fast_lexer(language)
    plain = type(fast)() if language in ("ipython3", "python") else get_lexer_by_name(language)
    assert highlight(source, fast, hl.formatter()) == highlight(source, plain, hl.formatter())


def test_the_python_lexer_is_combined():
    assert "get_tokens_unprocessed" in vars(hl.fast_lexer("ipython3"))  # else the speed-up silently went away
    assert "get_tokens_unprocessed" not in vars(hl.plain_lexer("ipython3"))


def test_a_process_switches_to_the_combined_lexer_after_enough_code(monkeypatch):
    monkeypatch.setattr(hl, "_volume", 0)
    assert hl.lexer("python") is hl.plain_lexer("python")
    monkeypatch.setattr(hl, "_volume", hl.FAST_AFTER)
    assert hl.lexer("python") is hl.fast_lexer("python")


def test_irc_a_verbose_lexer_stays_pygments_own():
    """A lexer compiled with re.VERBOSE may end a rule in a `# comment`: wrapped in a group it would not compile,
    so it keeps Pygments' own loop (its render failed once a process had highlighted enough code)."""
    fast = hl.fast_lexer("irc")
    assert "get_tokens_unprocessed" not in vars(fast)
    text = "[12:00] <ada> hi\n"
    assert highlight(text, fast, hl.formatter()) == highlight(text, get_lexer_by_name("irc"), hl.formatter())


def test_every_combined_lexer_compiles_in_every_state():
    """Each Pygments lexer the fast path takes: every state's alternation compiles (they are compiled lazily, on
    first entry, so a broken one would fail a render only on the text that reaches it)."""
    import re

    from pygments.lexers import get_all_lexers, get_lexer_by_name
    from pygments.util import ClassNotFound

    combined = 0
    for _, aliases, _, _ in get_all_lexers():
        if not aliases:
            continue
        try:
            lexer = get_lexer_by_name(aliases[0])
        except ClassNotFound:
            continue
        rules = getattr(lexer, "_tokens", None)
        if not rules:
            continue
        plans = {name: hl._combined(state, lexer.flags) for name, state in rules.items()}
        if any(plan is None for plan in plans.values()):
            continue
        combined += 1
        for pattern, _ in plans.values():  # type: ignore[misc]
            re.compile(pattern, lexer.flags)
    assert combined > 300  # most of them: else the speed-up silently went away


def test_a_kept_highlight_is_the_same_html_and_is_not_made_again(tmp_path, monkeypatch):
    """A render worker keeps each highlighted cell (by language and source): the next render of the notebook
    highlights only the cells that changed, with the same HTML; a store that cannot be read only costs time."""
    import pygments

    cells = [("print('a')\n%timeit f(x)\n", "ipython3"), ("SELECT 1;", "sql"), ("fn main() {}", "rust")]
    expected = [hl.highlight_html(source, language) for source, language in cells]  # no store
    store = tmp_path / "highlights.sqlite"
    try:
        hl.use_store(store)
        assert [hl.highlight_html(source, language) for source, language in cells] == expected
        hl.use_store(store)  # a later render in this or another worker: read back, pygments not called
        calls = []
        real = pygments.highlight
        monkeypatch.setattr(pygments, "highlight", lambda *a: calls.append(a[0]) or real(*a))
        assert [hl.highlight_html(source, language) for source, language in cells] == expected
        assert calls == []
        assert hl.highlight_html("print('b')\n", "ipython3") == real("print('b')\n", hl.lexer("ipython3"),
                                                                       hl.formatter())
        assert calls == ["print('b')\n"]  # only the changed cell
        hl.use_store(None)
        store.write_bytes(b"not a database")
        hl.use_store(store)  # corrupt: started again, never fatal
        assert hl.highlight_html(*cells[1]) == expected[1]
    finally:
        hl.use_store(None)
