"""The core never imports Textual: the CLI, scripts and the TUI all call it.

Every module of the package outside `briefing.tui` is checked, so a new core module is covered
without anyone remembering to list it.
"""

import pkgutil
import subprocess
import sys

import pytest

import briefing

CORE = sorted(
    info.name
    for info in pkgutil.walk_packages(briefing.__path__, "briefing.")
    if not info.name.startswith("briefing.tui") and info.name != "briefing.__main__"
)


def test_the_core_is_all_there():
    assert {"briefing.cli", "briefing.store", "briefing.classify", "briefing.brief", "briefing.query",
            "briefing.stories", "briefing.poller"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
