"""The core never imports Textual: the CLI, scripts and the TUI all call it."""

import subprocess
import sys

import pytest

CORE = [
    "briefing.config", "briefing.models", "briefing.text", "briefing.errors", "briefing.timespec",
    "briefing.fetch.http", "briefing.fetch.parse", "briefing.fetch.schedule", "briefing.store",
    "briefing.poller", "briefing.opml", "briefing.demo", "briefing.classify", "briefing.cli",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
