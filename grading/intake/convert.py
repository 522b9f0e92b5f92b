"""Per-request export rows → the canonical event log, by a mapping (:mod:`grading.intake.mapping`).

Each row becomes:

- ``registered`` at ``registered_at`` (level L1, with department, district, category, channel; the
  complainant is the mapped column, else the complaint itself, so the habitual rule never fires),
  with the request's own time limit when one applies (:func:`to_events`);
- when the status maps to a closure: a ``feedback`` event if ``satisfaction`` maps to satisfied or
  dissatisfied, then ``closed`` at ``closed_at``. A closure the complainant confirmed as satisfied
  has outcome ``satisfied``.

Rows that cannot be converted are reported like any bad row: file, line, field, value, reason (the
readings are in :func:`to_events`'s docstring and docs/import.md §3-4). Pure Polars.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

import polars as pl

from grading.intake.mapping import REQUIRED_COLUMNS, Mapping, MappingError
from grading.model.problems import Rule, find
from grading.model.schema import EVENT_SCHEMA, TIMEZONE, UNASSIGNED
from grading.rules import timeparse
from grading.rules.rowcheck import personal_code_rules


def _times(text: pl.Expr, mapping: Mapping, store_zone: str) -> pl.Expr:
    """Source text → the store's wall-clock time (rules: :mod:`grading.rules.timeparse`; null if none fits)."""
    return timeparse.read_times(text, formats=mapping.datetime_formats, zone=mapping.timezone, store_zone=store_zone)


def window_rules(bounds: tuple[datetime, datetime] | None) -> list[Rule]:
    """A registration or closing time outside the store's plausible window is a bad row."""
    if bounds is None:
        return []
    reason = timeparse.window_reason(bounds)
    return [
        (field, f"{field[:-3]}_text", timeparse.outside_window(pl.col(field), bounds), reason)
        for field in ("registered_at", "closed_at")
    ]


def _found(raw: pl.DataFrame, mapping: Mapping) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The file's header for each mapped field (first spelling present) and for each joined field
    (every part present); fields whose columns are absent are left out."""
    headers = {c.strip().lower(): c for c in raw.columns}
    found = {
        k: next(headers[n.strip().lower()] for n in v if n.strip().lower() in headers)
        for k, v in mapping.columns.items()
        if any(n.strip().lower() in headers for n in v)
    }
    joined = {
        k: tuple(headers[n.strip().lower()] for n in parts)
        for k, parts in mapping.joins.items()
        if all(n.strip().lower() in headers for n in parts)
    }
    return found, joined


def absent_fields(raw: pl.DataFrame, mapping: Mapping) -> list[str]:
    """Optional mapped fields whose columns the file lacks, as ``field ('header')`` for the load report:
    a GeoReport response may leave out ``zipcode`` or ``expected_datetime``; their values are then the
    ``[defaults]`` or empty, and the load says so."""
    found, joined = _found(raw, mapping)
    out = []
    for key, names in (*mapping.columns.items(), *mapping.joins.items()):
        if key not in found and key not in joined:
            default = f" → {mapping.defaults[key]!r}" if key in mapping.defaults else ""
            out.append(f"{key} ({' or '.join(repr(n) for n in names)}){default}")
    return out


def _content_ids(keys: pl.Series, prefix: pl.Series) -> pl.Series:
    """``k<16 hex>`` ids from content-key texts (blake2b, 8 bytes), ``-<n>`` on the n-th repeat of a key
    within the file; a row without a key keeps ``prefix`` (its file-and-row id)."""
    frame = pl.DataFrame({"key": keys, "fallback": prefix}).with_row_index("i")
    frame = frame.with_columns(n=pl.int_range(pl.len()).over("key"))
    unique = frame["key"].drop_nulls().unique().to_list()
    digest = {k: "k" + hashlib.blake2b(k.encode(), digest_size=8).hexdigest() for k in unique}
    ids = frame.select(
        pl.when(pl.col("key").is_null())
        .then(pl.col("fallback"))
        .otherwise(
            pl.col("key").replace_strict(digest, default=None, return_dtype=pl.String)
            + pl.when(pl.col("n") > 0).then(pl.format("-{}", pl.col("n") + 1)).otherwise(pl.lit(""))
        )
    ).to_series()
    return ids.alias("complaint_id")


DAY_US: Final = 86_400_000_000


def _at_precision(time: pl.Expr, unit: pl.Expr) -> pl.Expr:
    """``time`` cut to ``unit`` (``day``, ``minute``, or null: unchanged)."""
    return (
        pl.when(unit == timeparse.DAY)
        .then(time.dt.truncate("1d"))
        .when(unit == timeparse.MINUTE)
        .then(time.dt.truncate("1m"))
        .otherwise(time)
    )


def to_events(
    raw: pl.DataFrame,
    mapping: Mapping,
    id_prefix: str,
    store_zone: str = TIMEZONE,
    bounds: tuple[datetime, datetime] | None = None,
    *,
    default_limit_days: float = 7,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Convert a snapshot frame (all text) to canonical events; return ``(events, problems)``.

    ``events`` has ``EVENT_SCHEMA`` plus ``row_number`` (the source row, 1-based); ``problems`` has
    ``grading.model.problems.PROBLEM_SCHEMA``.

    Readings (docs/import.md §3 and §4):

    - **Ids.** Without a ``complaint_id`` column the id is a content key: a hash of the fields in
      ``[source].key`` (default :data:`DEFAULT_KEY`), with ``-2``, ``-3`` … on repeats within the file,
      so a reload or an overlapping export of the same requests finds them again. A row whose key
      cannot be made (its registration time unreadable) is named ``<id_prefix>-<row>``.
    - **Precision.** A time read by a format without a clock (a date) is known to the day, one without
      seconds to the minute. A closing is compared with its registration at the coarser of the two
      precisions, so a request opened at 10:00 and closed "the same day" is valid; it is stored at the
      earliest instant its value allows that is not before the registration (a same-day close takes 0
      days; a later day's close is stored at 00:00 of that day). A due date without a clock is due by
      the end of its day.
    - **Set aside.** A row whose registration cannot be used (time unreadable or implausible, unknown
      status, no department) is set aside whole; a row whose *closing* cannot be used (no closing
      time for a closed status, a time outside the plausible dates, a day before the registration)
      keeps its registration: the request stays open, and the closing is quarantined with its reason.
    - **Time limits**, first that applies: the due column (to the microsecond); the on-time flag column
      (``[on_time]``: a closed request flagged on time gets the larger of ``default_limit_days`` and its
      days to close, one flagged late the smaller of ``default_limit_days`` and just under its days to
      close, so the flag decides its on-time reading); the mapping's ``[limits]`` for its category;
      otherwise none (the category's limits, else the scheme's default).
    """
    found, joined = _found(raw, mapping)
    missing = [
        f"{k} = {' or '.join(repr(n) for n in mapping.columns[k])}"
        for k in mapping.columns
        if k not in found and k not in mapping.defaults and (k in REQUIRED_COLUMNS or k == "complaint_id")
    ]
    missing += [
        f"{k} = join of {list(parts)}"
        for k, parts in mapping.joins.items()
        if k not in joined and k not in mapping.defaults and k in REQUIRED_COLUMNS
    ]
    if missing:
        msg = f"{mapping.path}: the file has no column(s) {missing}"
        raise MappingError(msg)

    def col(key: str) -> pl.Expr:
        if key in found or key in joined:
            if key in joined:
                parts = [pl.col(c).cast(pl.String).str.strip_chars() for c in joined[key]]
                value = pl.concat_str(parts, separator=" ", ignore_nulls=True).str.strip_chars()
            else:
                value = pl.col(found[key]).cast(pl.String).str.strip_chars()
            value = pl.when(value.str.len_chars() > 0).then(value)
            if key in mapping.clean:  # clean-up table: source spellings → one code (others unchanged)
                value = value.str.to_lowercase().replace_strict(mapping.clean[key], default=value)
            if key in mapping.defaults:
                value = value.fill_null(pl.lit(mapping.defaults[key]))
            return value
        if key in mapping.defaults:
            return pl.lit(mapping.defaults[key])
        return pl.lit(None, pl.String)

    def time_text(key: str) -> pl.Expr:
        """A time column with the mapping's sentinel values (1900-01-01 …) read as empty."""
        text = col(key)
        for sentinel in mapping.sentinels:
            text = pl.when(text.str.starts_with(sentinel)).then(None).otherwise(text)
        return text

    def times(name: str) -> pl.Expr:
        return _times(pl.col(f"{name}_text"), mapping, store_zone)

    def precision(name: str) -> pl.Expr:
        return timeparse.read_precision(pl.col(f"{name}_text"), formats=mapping.datetime_formats)

    rows = raw.with_row_index("row_number", offset=1).with_columns(pl.col("row_number").cast(pl.Int64))
    status_text = col("status")
    frame = rows.select(
        "row_number",
        source_id=col("complaint_id") if "complaint_id" in mapping.columns else pl.lit(None, pl.String),
        department=col("department"),
        district=col("district").fill_null(UNASSIGNED),
        category=col("category").fill_null("GENERAL"),
        complainant=col("complainant"),
        channel_text=col("channel"),
        status_text=status_text,
        outcome=status_text.str.to_lowercase().replace_strict(mapping.status, default=None),
        outcome_if_closed=status_text.str.to_lowercase().replace_strict(mapping.status_if_closed, default=None),
        satisfaction=col("satisfaction").replace_strict(mapping.satisfaction, default=None),
        on_time=col("on_time").str.to_lowercase().replace_strict(mapping.on_time, default=None)
        if mapping.on_time
        else pl.lit(None, pl.String),
        registered_text=time_text("registered_at"),
        closed_text=time_text("closed_at"),
        due_text=time_text("due_at"),
    ).with_columns(
        registered_at=times("registered"),
        closed_at=times("closed"),
        due_at=times("due"),
        registered_precision=precision("registered"),
        closed_precision=precision("closed"),
        due_precision=precision("due"),
    )
    frame = frame.with_columns(complaint_id=_ids(frame, mapping, id_prefix))
    # Two-column statuses: a status listed in [status_if_closed] reads so when the row has a closing time
    # (NYC's "Pending" with a closed date is a closure).
    frame = frame.with_columns(
        outcome=pl.when(pl.col("closed_at").is_not_null() & pl.col("outcome_if_closed").is_not_null())
        .then(pl.col("outcome_if_closed"))
        .otherwise(pl.col("outcome")),
        # the coarser of the two precisions: the closing is compared with the registration at it
        compared_at=pl.when(
            (pl.col("registered_precision") == timeparse.DAY) | (pl.col("closed_precision") == timeparse.DAY)
        )
        .then(pl.lit(timeparse.DAY))
        .otherwise(pl.coalesce("closed_precision", "registered_precision")),
    )
    closes = pl.col("outcome").is_not_null() & (pl.col("outcome") != "open")
    before = _at_precision(pl.col("closed_at"), pl.col("compared_at")) < _at_precision(
        pl.col("registered_at"), pl.col("compared_at")
    )
    rules: list[Rule] = [
        ("complaint_id", "complaint_id", pl.col("complaint_id").is_null(), "required"),
        ("department", "department", pl.col("department").is_null(), "required"),
        (
            "registered_at",
            "registered_text",
            pl.col("registered_at").is_null(),
            f"not a time in {list(mapping.datetime_formats)}",
        ),
        ("status", "status_text", pl.col("outcome").is_null(), "unknown status: add it to [status] in the mapping"),
        ("closed_at", "closed_text", closes & pl.col("closed_at").is_null(), "a closed status needs a closing time"),
        *window_rules(bounds),
        ("closed_at", "closed_text", closes & before, "closed before it was registered"),
        *personal_code_rules(frame),
    ]
    problems = find(frame, rules)
    # A problem with the closing sets aside the closing only: the registration is kept (an open request).
    whole = problems.filter(pl.col("field") != "closed_at").select("row_number").unique()
    closing_only = problems.filter(pl.col("field") == "closed_at").select("row_number").unique()
    good = frame.join(whole, on="row_number", how="anti").with_columns(
        closing_kept=closes & ~pl.col("row_number").is_in(closing_only["row_number"].implode()),
        # the earliest instant the closing's value allows that is not before the registration
        closed_at=pl.max_horizontal("closed_at", "registered_at"),
        due_at=pl.when(pl.col("due_precision") == timeparse.DAY)
        .then(pl.col("due_at") + pl.duration(days=1) - pl.duration(microseconds=1))
        .otherwise(pl.col("due_at")),
    )
    registered = good.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("registered_at"),
        event=pl.lit("registered"),
        level=pl.lit("L1"),
        department=pl.col("department"),
        district=pl.col("district"),
        category=pl.col("category"),
        complainant=pl.coalesce("complainant", "complaint_id"),
        channel=pl.col("channel_text").replace_strict(mapping.channel, default="other")
        if mapping.channel
        else pl.lit(None, pl.String),
        limit_days=_limit_days(mapping, default_limit_days),
    )
    closing = good.filter(pl.col("closing_kept"))
    answered = closing.filter(pl.col("satisfaction").is_in(("satisfied", "dissatisfied")))
    feedback = answered.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("closed_at"),
        event=pl.lit("feedback"),
        outcome=pl.col("satisfaction"),
    )
    closed = closing.select(
        "row_number",
        "complaint_id",
        event_time=pl.col("closed_at"),
        event=pl.lit("closed"),
        outcome=pl.when((pl.col("outcome") == "resolved") & (pl.col("satisfaction") == "satisfied"))
        .then(pl.lit("satisfied"))
        .otherwise(pl.col("outcome")),
    )
    events = pl.concat([registered, feedback, closed], how="diagonal_relaxed")
    for name in EVENT_SCHEMA.names():
        if name not in events.columns:
            events = events.with_columns(pl.lit(None).alias(name))
    events = events.select("row_number", *EVENT_SCHEMA.names()).cast(EVENT_SCHEMA)
    return events.sort("row_number", "event_time", "event"), problems


def _ids(frame: pl.DataFrame, mapping: Mapping, id_prefix: str) -> pl.Series:
    """Each row's complaint id: the source's, else the content key (:func:`_content_ids`)."""
    if "complaint_id" in mapping.columns:
        return frame["source_id"].alias("complaint_id")
    parts = {
        "registered_at": pl.col("registered_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
        "department": pl.col("department"),
        "district": pl.col("district"),
        "category": pl.col("category"),
        "channel": pl.col("channel_text"),
    }
    key = pl.when(pl.col("registered_at").is_not_null()).then(
        pl.concat_str([pl.lit(f) + pl.lit("=") + parts[f].fill_null("") for f in mapping.key], separator="\x1f")
    )
    keys = frame.select(key.alias("key")).to_series()
    fallback = frame.select(pl.format(f"{id_prefix}-{{}}", "row_number")).to_series()
    return _content_ids(keys, fallback)


def _limit_days(mapping: Mapping, default_limit_days: float) -> pl.Expr:
    """The registration's own time limit in days (None: the category's), by the first source that
    applies: the due time, the on-time flag, the mapping's ``[limits]`` (see :func:`to_events`)."""
    # Kept to the microsecond: an 8-hour due time is 0.3333 days, never rounded up to a whole day.
    due = ((pl.col("due_at") - pl.col("registered_at")).dt.total_microseconds() / DAY_US).clip(upper_bound=3650)
    took = (pl.col("closed_at") - pl.col("registered_at")).dt.total_microseconds() / DAY_US
    flagged = pl.col("closing_kept") & pl.col("on_time").is_not_null()
    by_flag = (
        pl.when(pl.col("on_time") == "yes")
        .then(pl.max_horizontal(pl.lit(default_limit_days), took))
        .otherwise(pl.min_horizontal(pl.lit(default_limit_days), took - 1 / 86_400))
        .clip(lower_bound=1 / 86_400, upper_bound=3650)  # at least a second: a limit is above 0
    )
    by_category = (
        pl.col("category").replace_strict(mapping.limits, default=None, return_dtype=pl.Float64)
        if mapping.limits
        else pl.lit(None, pl.Float64)
    )
    return (
        pl.when(pl.col("due_at") > pl.col("registered_at")).then(due).when(flagged).then(by_flag).otherwise(by_category)
    )
