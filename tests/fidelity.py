"""A paper-reimplementation workbook holding every construct the digest must show as JupyterLab does.

Maths of each form, figures (relative, HTML <img>, attachment, web, outside the workspace, through a symlink out,
not an image), a pandas DataFrame (also two side by side), an ANSI traceback, a text/latex output, relative links
(to another workbook of the week, to a data file), `$` in code and in prices, and a cell without an id.
"""
from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from pathlib import Path

from ldkit.records.workbook import dump_notebook


def png(width: int = 24, height: int = 16, rgb: tuple[int, int, int] = (31, 111, 235)) -> bytes:
    """A real PNG (solid colour) made with the standard library."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" '
       'fill="#1a7f37"/></svg>')

MATH_CELL = r"""## Method

The loss is $L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \ell(f_\theta(x_i), y_i)$ and its gradient \(\nabla_\theta L\).

$$v_j = P_j a_j$$

\[
\hat{\theta} = \arg\min_\theta L(\theta)
\]

\begin{align}
x &= a + b \\
y &= c - d
\end{align}

A matrix $$A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$$ and a piecewise
$$f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}$$

Not maths: the GPU cost $5 and $10 a day, `echo $HOME`, and an escaped \$ sign.

```bash
export PATH=$HOME/bin:$PATH
```

A formula this ldkit cannot typeset: $\unknowncommand{x}$.
"""

FIGURES_CELL = """## Figures

![loss curve](figures/loss.png)

<img src="figures/plot.svg" alt="svg plot" width="60">

![attached](attachment:diagram.png)

![remote figure](https://example.org/figures/remote.png)

![outside](../../../../outside.png) ![through a link](figures/escape.png) ![not an image](figures/fake.png)
"""

LINKS_CELL = """## Links

See [the other notebook](../bob/other-work.ipynb) and [the data](data.csv), or [the paper](https://arxiv.org/abs/1703.03400).
"""

DATAFRAME = """<div>
<style scoped>
    .dataframe tbody tr th:only-of-type { vertical-align: middle; }
</style>
<table border="1" class="dataframe">
  <thead><tr style="text-align: right;"><th></th><th>shots</th><th>accuracy</th></tr></thead>
  <tbody>
    <tr><th>0</th><td>1</td><td>96.9</td></tr>
    <tr><th>1</th><td>5</td><td>99.1</td></tr>
  </tbody>
</table>
</div>"""

SIDE_BY_SIDE = ('<table style="display:inline" class="dataframe"><tr><td>1</td></tr></table>'
                '<table style="display:inline" class="dataframe"><tr><td>2</td></tr></table>')

TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mValueError\x1b[0m                                Traceback (most recent call last)",
    "Cell \x1b[0;32mIn[3], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;28;01mraise\x1b[39;00m "
    "\x1b[38;5;167;01mValueError\x1b[39;00m(\x1b[38;5;124m\"\x1b[39m\x1b[38;5;124mbad shape\x1b[39m\")",
    "\x1b[1;91mValueError\x1b[0m: \x1b[1;92mbad shape\x1b[0m \x1b[94mbright blue\x1b[0m \x1b[95mbright magenta\x1b[0m",
]


def make_fidelity_workbook(path: Path, workspace_root: Path) -> dict[str, Path]:
    """Fill a workbook made by `ldkit new` with the corpus; returns the files made beside it."""
    folder = path.parent
    figures = folder / "figures"
    figures.mkdir(exist_ok=True)
    (figures / "loss.png").write_bytes(png())
    (figures / "plot.svg").write_text(SVG)
    (figures / "fake.png").write_text("shots,accuracy\n1,96.9\n")
    outside = workspace_root.parent / "outside.png"
    outside.write_bytes(png(rgb=(207, 34, 46)))
    if not (figures / "escape.png").exists():
        os.symlink(outside, figures / "escape.png")
    (folder / "data.csv").write_text("shots,accuracy\n1,96.9\n")
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    cells.append({"cell_type": "markdown", "id": "math", "metadata": {}, "source": MATH_CELL})
    cells.append({"cell_type": "markdown", "id": "figures", "metadata": {}, "source": FIGURES_CELL,
                  "attachments": {"diagram.png": {"image/png": base64.b64encode(png(rgb=(154, 103, 0))).decode()}}})
    cells.append({"cell_type": "markdown", "metadata": {}, "source": LINKS_CELL})  # no id: an older notebook
    cells.append({"cell_type": "code", "id": "frame", "metadata": {}, "execution_count": 2,
                  "source": "import pandas as pd\ndf = pd.DataFrame({'shots': [1, 5], 'accuracy': [96.9, 99.1]})\ndf",
                  "outputs": [
                      {"output_type": "execute_result", "execution_count": 2, "metadata": {},
                       "data": {"text/html": DATAFRAME, "text/plain": "   shots  accuracy"}},
                      {"output_type": "display_data", "metadata": {},
                       "data": {"text/html": SIDE_BY_SIDE, "text/plain": "two frames"}}]})
    cells.append({"cell_type": "code", "id": "sympy", "metadata": {}, "execution_count": 3,
                  "source": "sympy.Integral(x**2, x)",
                  "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                               "data": {"text/latex": r"$\displaystyle \int x^{2}\, dx$",
                                        "text/plain": "Integral(x**2, x)"}}]})
    cells.append({"cell_type": "code", "id": "error", "metadata": {}, "execution_count": 4,
                  "source": "raise ValueError(\"bad shape\")",
                  "outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "bad shape",
                               "traceback": TRACEBACK}]})
    cells.append({"cell_type": "code", "id": "loop", "metadata": {}, "execution_count": 5,
                  "source": "for j in range(n):\n    total += len(rows[j])  # $5 in a comment", "outputs": []})
    path.write_text(dump_notebook(nb))
    return {"outside": outside, "figures": figures}
