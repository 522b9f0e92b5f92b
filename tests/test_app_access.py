"""Who sees what, through the real app in AppTest: local sign-in, roles, scope, session expiry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from grading import store, views
from grading.access import Identity
from tests.test_app import ROOT, sign_in

AUG = date(2024, 8, 1)
FAILED = "Sign-in failed. Check the user name and password and try again later."


@pytest.fixture
def app(demo_db: Path, demo_users: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("NIVARAN_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return at.run()


def case_ids(demo_db: Path, **narrow: str) -> set[str]:
    con = store.connect_readonly(demo_db)
    try:
        return set(views.pending_cases(con, AUG, Identity("t", "admin"), **narrow)["complaint_id"])
    finally:
        con.close()


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [df.value.to_csv() for df in at.dataframe]
    parts += [str(e.value) for kind in (at.markdown, at.title, at.caption) for e in kind]
    return "\n".join(parts)


@pytest.mark.parametrize("page", ["collector", "department", "data_status", "audit"])
def test_the_public_has_no_case_pages(app: AppTest, page: str) -> None:
    # Not registered in the navigation for the public, so no link or URL reaches them ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(f"pages/{page}.py")
    # ... and run on its own, the page itself refuses before reading any case.
    alone = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    alone.session_state["db_stamp"] = app.session_state["db_stamp"]
    alone.session_state["selected_month"] = AUG
    alone.run()
    assert not alone.exception
    assert [w.value for w in alone.warning] == ["This page needs a signed-in user with the right role (see Sign in)."]
    assert not alone.dataframe


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(app: AppTest, demo_users) -> None:  # type: ignore[no-untyped-def]
    name, _ = demo_users["collector"]
    wrong = sign_in(app, name, "not-it")
    assert [e.value for e in wrong.error] == [FAILED]
    unknown = sign_in(app, "nobody.here", "not-it")
    assert [e.value for e in unknown.error] == [FAILED]


def test_a_collector_sees_only_their_district(app: AppTest, demo_users, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(app, *demo_users["collector"])
    assert not at.error
    assert at.session_state["signed_in"]["identity"] == Identity("t.indore", "collector", districts=("INDORE",))
    at.switch_page("pages/collector.py").run()
    assert not at.exception
    assert at.selectbox(key="district").options == ["Indore"]
    shown = set(at.dataframe[1].value.iloc[:, 0])
    indore, bhopal = case_ids(demo_db, district="INDORE"), case_ids(demo_db, district="BHOPAL")
    assert shown == indore
    # Asking for another district through the URL changes nothing (the widget cannot offer it, and the
    # core refuses it: tests/test_views.py).
    at.query_params["district"] = "BHOPAL"
    at.run()
    assert not (bhopal & set(shown_text(at).replace(",", " ").split()))
    # Pages of other roles are not there.
    at.switch_page("pages/department.py").run()
    assert not at.exception
    assert not any(s.key == "department" for s in at.selectbox)


def test_a_department_head_sees_only_their_department(app: AppTest, demo_users, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(app, *demo_users["department_head"])
    at.switch_page("pages/department.py").run()
    assert not at.exception
    assert at.selectbox(key="department").options == ["Energy"]
    revenue = case_ids(demo_db, department="REVENUE")
    at.query_params["department"] = "REVENUE"
    at.run()
    assert not (revenue & set(shown_text(at).replace(",", " ").split()))
    at.switch_page("pages/collector.py").run()
    assert not any(s.key == "district" for s in at.selectbox)


def test_sign_in_tries_are_limited(app: AppTest) -> None:
    for _ in range(5):
        at = sign_in(app, "someone.else", "guess")
    at.switch_page("pages/sign_in.py").run()
    # Five failures in this session: the form is gone, with the same message as any failure.
    assert not at.text_input
    assert [e.value for e in at.error] == [FAILED]


def test_an_idle_session_is_signed_out() -> None:
    def script() -> None:
        from datetime import datetime, timedelta

        import streamlit as st

        from grading.access import Identity
        from ui import auth

        if "started" not in st.session_state:  # signed in 31 minutes ago, idle since
            st.session_state["started"] = True
            then = datetime.now() - timedelta(minutes=31)
            st.session_state["signed_in"] = {
                "identity": Identity("x", "admin"),
                "via": "password",
                "signed_in_at": then,
                "seen_at": then,
            }
        st.write(f"role={auth.current().role} expired={st.session_state.get('expired', False)}")

    def busy() -> None:
        from datetime import datetime, timedelta

        import streamlit as st

        from grading.access import Identity
        from ui import auth

        now = datetime.now()
        st.session_state.setdefault(
            "signed_in",
            {"identity": Identity("x", "admin"), "via": "password", "signed_in_at": now, "seen_at": now},
        )
        st.session_state["signed_in"]["signed_in_at"] = now - timedelta(hours=7)
        st.write(f"role={auth.current().role}")

    assert AppTest.from_function(script).run().markdown[0].value == "role=public expired=True"
    assert AppTest.from_function(busy).run().markdown[0].value == "role=admin"  # in use, under 8 hours
