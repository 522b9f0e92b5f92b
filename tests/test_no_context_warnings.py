"""Nothing of Nivaran's touches Streamlit's session outside a page run: Streamlit's test runner formats a
widget's options between runs through the pages' own format functions (month names, metric labels,
catalogue words), and each of those used to read the language from ``st.session_state`` without a
script-run context, logging "missing ScriptRunContext!" a dozen times per page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner_utils import script_run_context
from streamlit.testing.v1 import AppTest

from tests.test_app import sign_in

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_no_page_run_logs_a_missing_script_run_context(  # type: ignore[no-untyped-def]
    demo_db: Path, demo_users, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    sign_in(at.run(), *demo_users["admin"])  # the form's button is named in English
    at.session_state["lang"] = lang
    warned: list[str] = []
    monkeypatch.setattr(script_run_context._LOGGER, "warning", lambda msg, *args, **_: warned.append(msg % args))
    pages = ["public_summary", "trends", "methodology", "department", "collector", "data_status", "audit"]
    for page in pages:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        at.run()  # a second run: the options formatted between runs
    assert [w for w in warned if "ScriptRunContext" in w] == []
