"""Makes the renderer test helpers importable however pytest imports this directory.

The helpers (feed_render_checks, feed_render_factories) are plain modules
beside the tests. pytest's default "prepend" import mode puts this directory
on sys.path only while the test tree has no __init__.py files; adding it
here keeps the imports working if the tree becomes a package or the import
mode changes. Their names are prefixed to stay unique on sys.path.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
