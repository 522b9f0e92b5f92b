"""Page pieces of the administrator's pages (pages/data_status.py, pages/audit.py): the load history, the
rows rejected, the audit log, the accounts, the accounts not signed in lately and the watchlists as a
reader sees them: headings from the catalogue in the
reader's language (never a column's ``snake_case`` name), times to the minute ("6 Dec 2026 07:09"),
roles and audit actions in words, empty cells empty.

Formatting only: the rows are :func:`grading.serve.views.data_status`'s and the access file's.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from grading.access.identity import ROLES
from grading.outputs import auditlog, casewords
from grading.words import filled
from ui import data
from ui.i18n import lang, reference_name, t


def _moment(column: str) -> pl.Expr:
    """A datetime column to the minute, in words ("6 Dec 2026 07:09")."""
    return casewords.moment_expr(pl.col(column), lang())


def _when(column: str) -> pl.Expr:
    """An ISO text column as the access file keeps times (seconds, maybe microseconds) to the minute."""
    minute = pl.col(column).str.slice(0, 16).str.to_datetime("%Y-%m-%dT%H:%M", strict=False)
    return casewords.moment_expr(minute, lang())


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null("")


def _kind() -> pl.Expr:
    """What a load was, in words: events, a snapshot (with its mapping file), the demo."""
    snapshot = pl.col("kind").str.strip_prefix("snapshot:")
    return (
        pl.when(pl.col("kind").str.starts_with("snapshot:"))
        .then(filled("load_kind_snapshot", lang(), {"file": snapshot}))
        .otherwise(_text("kind").replace({k: t(f"load_kind_{k}") for k in ("events", "demo")}))
    )


def _source() -> pl.Expr:
    """A load's file; for the demo, the command that made it (in Hindi the words "demo data": the command's
    options are English, and the English page shows them)."""
    demo = pl.lit(t("load_kind_demo")) if lang() == "hi" else _text("source")
    return pl.when(pl.col("kind") == "demo").then(demo).otherwise(_text("source"))


def load_history(log: pl.DataFrame) -> pl.DataFrame:
    """The ingest log (newest first), as shown."""
    return log.select(
        pl.col("ingest_id").alias(t("col_load")),
        _source().alias(t("col_file")),
        _kind().alias(t("col_kind")),
        _moment("finished_at").alias(t("col_finished")),
        pl.col("rows_read").alias(t("col_rows_read")),
        pl.col("rows_loaded").alias(t("col_rows_loaded")),
        pl.col("rows_duplicate").alias(t("col_rows_duplicate")),
        pl.col("rows_quarantined").alias(t("col_rows_quarantined")),
        _text("new_codes").alias(t("col_new_codes")),
    )


def rejection_reasons(reasons: pl.DataFrame) -> pl.DataFrame:
    """Rows rejected, by file, field and reason, as shown."""
    return reasons.select(
        _text("source").alias(t("col_file")),
        _text("field").alias(t("col_field")),
        _text("reason").alias(t("col_reason")),
        pl.col("rows").alias(t("col_rows")),
        pl.col("first_row").alias(t("col_first_row")),
    )


def rejected_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The latest rejected rows (personal data already masked), as shown."""
    return rows.select(
        pl.col("ingest_id").alias(t("col_load")),
        _text("source").alias(t("col_file")),
        pl.col("line").alias(t("col_line")),
        _text("complaint_id").alias(t("complaint")),
        _text("field").alias(t("col_field")),
        _text("value").alias(t("col_value")),
        _text("reason").alias(t("col_reason")),
    )


def _role() -> pl.Expr:
    return _text("role").replace({r: t(f"role_{r}") for r in ROLES})


def _names() -> dict[str, dict[str, str]]:
    """District and department codes → names in the reader's language (the store's reference tables), and
    shipped schemes → titles: what :func:`grading.outputs.auditlog.in_words` writes instead of codes."""
    found = {"scheme": data.scheme_titles(lang())}
    stamp = st.session_state.get("db_stamp")
    if stamp is not None:
        for kind in ("district", "department"):
            table = data.reference(stamp, f"{kind}s")
            found[kind] = dict(table.select("code", pl.coalesce(reference_name(), "name_en", "code")).iter_rows())
    return found


def audit_log(log: pl.DataFrame) -> pl.DataFrame:
    """The audit log (newest first), as shown: when to the minute, who, their role, within which scope,
    what happened in words (:func:`grading.outputs.auditlog.in_words`) and how many case rows."""
    return auditlog.in_words(log, lang(), _names()).select(
        _when("at").alias(t("col_when")),
        pl.col("who").alias(t("col_user")),
        pl.col("role").alias(t("col_role")),
        pl.col("scope").alias(t("col_scope")),
        pl.col("action").alias(t("col_action")),
        pl.col("what").alias(t("col_detail")),
        pl.col("rows").alias(t("col_rows")),
    )


def accounts(rows: pl.DataFrame) -> pl.DataFrame:
    """The accounts (never a password), as shown: their districts and departments by name, how each signs
    in, and when it was made."""
    names = _names()
    return rows.select(
        _text("username").alias(t("col_user")),
        _role().alias(t("col_role")),
        auditlog.named(_text("districts"), names.get("district", {})).alias(t("col_districts")),
        auditlog.named(_text("departments"), names.get("department", {})).alias(t("col_departments")),
        pl.when(pl.col("has_password").cast(pl.Boolean))
        .then(pl.lit(t("signs_in_password")))
        .otherwise(pl.lit(t("signs_in_provider")))
        .alias(t("col_signs_in")),
        _when("created_at").alias(t("col_created")),
    )


def idle_accounts(rows: pl.DataFrame) -> pl.DataFrame:
    """The accounts not signed in lately (:meth:`grading.access.accounts.Accounts.idle`), as shown: the last
    sign-in to the minute ("never" when none), when the account was made, whole days without a sign-in."""
    return rows.select(
        _text("username").alias(t("col_user")),
        _role().alias(t("col_role")),
        pl.when(pl.col("last_sign_in_at").is_null())
        .then(pl.lit(t("never_signed_in")))
        .otherwise(_when("last_sign_in_at"))
        .alias(t("col_last_sign_in")),
        _when("created_at").alias(t("col_created")),
        pl.col("idle_days").alias(t("col_idle_days")),
    )


def watchlists(rows: pl.DataFrame, districts: pl.DataFrame, departments: pl.DataFrame) -> pl.DataFrame:
    """Every account's pins (:meth:`grading.access.accounts.Accounts.watchlists`), as shown: who, their role,
    what is pinned (district or department, in words), its name in the reader's language (its code when the
    reference data has no such name), when it was pinned."""
    names = pl.concat(
        [
            table.select(pl.lit(kind).alias("kind"), "code", reference_name().alias("name"))
            for kind, table in (("district", districts), ("department", departments))
        ]
    )
    kinds = {k: t(k) for k in ("district", "department")}
    return rows.join(names, on=["kind", "code"], how="left", maintain_order="left").select(
        _text("username").alias(t("col_user")),
        _role().alias(t("col_role")),
        _text("kind").replace(kinds).alias(t("col_pinned")),
        pl.col("name").fill_null(pl.col("code")).alias(t("col_name")),
        _when("created_at").alias(t("col_pinned_on")),
    )
