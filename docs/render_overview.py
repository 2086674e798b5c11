"""Replaced by docs/render_pictures.py, which makes docs/beelden/overzicht.png and the handleiding's
other pictures from one demo run; this runs it, so the old command keeps working.

    python docs/render_overview.py
"""

from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("render_pictures.py")), run_name="__main__")
