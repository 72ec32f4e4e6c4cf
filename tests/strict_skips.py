"""pytest plugin: with KG_FAIL_ON_SKIP=1 (as in CI) a skipped test counts as failed.

Tests that need a real triple store or a browser skip, loudly and with the reason, on a machine
that lacks them; CI installs them all, so there a skip means something is missing.
"""
from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("KG_FAIL_ON_SKIP") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (KG_FAIL_ON_SKIP=1), which counts as a failure: {reason}"
