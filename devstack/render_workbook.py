"""Local helpers for the HR workbook: save the emulator's copy, render its Summary sheet to PNG.

``python -m devstack.render_workbook GRAPH_ROOT [OUT_DIR]`` saves ``OUT_DIR/hr-outcomes.xlsx`` from the
Graph emulator's control API and renders ``OUT_DIR/hr-outcomes-summary.png``. The Summary is the first
sheet and fits one page, so the first PDF page is the Summary. LibreOffice (``soffice``) and
``pdftoppm`` come from Debian (``make office``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

DEFAULT_DRIVE, DEFAULT_PATH = "hr", "WeGrow/hr-outcomes.xlsx"


def save_emulator_workbook(
    graph_root: str, out: Path = Path("out/hr-outcomes.xlsx"), drive: str = DEFAULT_DRIVE, path: str = DEFAULT_PATH
) -> Path:
    """Download the workbook from the emulator (``/_emulator/drives/{drive}/file``) into ``out``."""
    root = graph_root.removesuffix("/").removesuffix("/v1.0")
    response = httpx.get(f"{root}/_emulator/drives/{drive}/file", params={"path": path}, timeout=30)
    response.raise_for_status()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(response.content)
    return out


def render_summary_png(xlsx: Path, png: Path, dpi: int = 60) -> Path:
    """Render the first page (the Summary sheet) of ``xlsx`` to ``png`` with LibreOffice and pdftoppm."""
    with tempfile.TemporaryDirectory(prefix="wegrow-render-") as work:
        profile = Path(work) / "profile"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", work, str(xlsx)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        pdf = Path(work) / (xlsx.stem + ".pdf")
        stem = Path(work) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(stem.with_suffix(".png").read_bytes())
    return png


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m devstack.render_workbook GRAPH_ROOT [OUT_DIR]", file=sys.stderr)
        return 2
    out_dir = Path(argv[1]) if len(argv) > 1 else Path("out")
    xlsx = save_emulator_workbook(argv[0], out_dir / "hr-outcomes.xlsx")
    print(render_summary_png(xlsx, out_dir / "hr-outcomes-summary.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
