"""Methodology in plain words, generated from the scheme file and the metric registry."""

import polars as pl
import streamlit as st

from grading.model.registry import METRICS, definition
from grading.outputs import fmt, publish
from grading.scoring import fit, schemes, suppress
from grading.words import zone_name
from ui import data
from ui.i18n import lang, month_name, names_in_hindi, t
from ui.ranking import methodology_section
from ui.text import Text, plain
from ui.widgets import page_context

stamp, month = page_context()
scheme = data.scheme().in_force(month)  # the version that grades the selected month
kinds = data.public_recorded(stamp)  # the record kinds the store holds
hi = lang() == "hi"
st.title(t("method_title"))
# The scheme's code and version; in Hindi the version alone (the code is English, the title says the scheme).
scheme_named = t("method_scheme_version", version=scheme.version) if hi else f"{scheme.name} {scheme.version}"
st.subheader(f"{t('method_scheme')}: {scheme.title_in(lang())} ({scheme_named})")
st.caption(t("method_source", source=Text(scheme.source_in(lang()))))  # our settings file: a link may stay a link

st.markdown(f"#### {t('method_components')}")
rows = []
for c in scheme.components:
    metric = METRICS[c.metric]
    formula = c.formula(lang())
    rows.append(
        {
            t("method_components"): c.label_hi if hi else c.label_en,
            t("metric"): metric.label_hi if hi else metric.label_en,
            t("method_weight"): f"{c.weight:g}",
            t("method_formula"): formula,
            t("definition"): definition(c.metric, lang()),
            t("method_reading"): t("method_reading") if c.reading else t("method_official"),
        }
    )
st.table(pl.DataFrame(rows), hide_index=True)
left_out = [c.label_hi if hi else c.label_en for c in scheme.components if not fit.shows(c.metric, kinds)]
if left_out:
    st.caption(t("method_no_records", components=", ".join(left_out)))

st.markdown(f"#### {t('method_bands')}")
bands = pl.DataFrame(
    {
        t("grade"): [b.grade for b in scheme.grades],
        t("method_min"): [f"{b.min_score:g}" for b in scheme.grades],
        t("method_reading"): [t("method_reading") if b.reading else t("method_official") for b in scheme.grades],
    }
)
st.table(bands, hide_index=True)

st.markdown(f"#### {t('method_rules')}")
st.markdown(
    t(
        "method_rules_text",
        min_received=scheme.min_received,
        decimals=scheme.score_decimals,
        habitual=scheme.habitual_threshold,
        missing=t(f"missing_{scheme.missing}", min_data=f"{scheme.min_data_pct:g}"),
        long_days=scheme.long_pending_days,
        zone=zone_name(data.settings(st.session_state["db_stamp"]).timezone, lang()),
    )
)
methodology_section(data.scheme(), month)
others = [n for n in schemes.available() if n != scheme.name]  # by code in English, by title in Hindi
st.caption(t("method_other", names=", ".join(schemes.load(n).title_hi if hi else n for n in others)))

st.markdown(f"#### {t('method_asof')}")
st.markdown(t("method_asof_text"))

st.markdown(f"#### {t('method_privacy')}")
st.markdown(t("method_privacy_text", suppress_below=scheme.suppress_below))
st.markdown(
    t(
        "method_privacy_figures",
        band=suppress.band(scheme.suppress_below),
        small_column=Text(publish.heading("small_figures", lang())),  # as the files offered in this language head it
        hidden_column=Text(publish.heading("hidden_figures", lang())),
    )
)

st.markdown(f"#### {t('method_due')}")
shares, assumed = data.public_due_sources(stamp, month)
month_label = Text(month_name(month))  # our own words and numbers: no Markdown escaping
if not shares:
    st.markdown(t("method_due_none", month=month_label))
else:
    st.markdown(
        t(
            "method_due_text",
            month=month_label,
            data=Text(fmt.indian(shares["data"], 1)),
            reference=Text(fmt.indian(shares["reference"], 1)),
            assumed=Text(fmt.indian(shares["assumed"], 1)),
            days=f"{scheme.default_limit_days:g}",
        )
    )
    if assumed.height:
        named = assumed["name_hi" if names_in_hindi() else "name_en"].to_list()
        st.markdown(t("method_due_assumed", names=Text(", ".join(plain(n) for n in named))))

st.markdown(f"#### {t('method_fit')}")
st.markdown(t("method_fit_text", min_received=scheme.min_received))

st.markdown(f"#### {t('method_metrics')}")
listed = {name: m for name, m in METRICS.items() if fit.shows(name, kinds)}  # the measures this store shows
dictionary = pl.DataFrame(
    {
        t("column_code"): list(listed),  # an English file's heading; a Hindi file heads the column by its label
        t("metric"): [m.label_hi if hi else m.label_en for m in listed.values()],
        t("definition"): [definition(name, lang()) for name in listed],
        t("unit"): [t(f"unit_{m.unit}") for m in listed.values()],
    }
)
st.dataframe(
    dictionary.drop(t("column_code")) if hi else dictionary,
    hide_index=True,
    width="stretch",
)
