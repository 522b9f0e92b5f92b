"""The methodology page: how the month is graded, from the scheme version in force and the metric registry."""

from __future__ import annotations

from grading.model.registry import METRICS, definition
from grading.outputs import fmt
from grading.outputs.fmt import month_name
from grading.outputs.site import layout
from grading.outputs.site.pages.parts import Page, component_label, esc, prose, scheme_title, table
from grading.outputs.site.read import MonthData
from grading.scoring import fit, suppress
from grading.scoring.flags import FLAGS, describe
from grading.words import say, zone_name


def methodology_page(data: MonthData, lang: str) -> Page:
    """How the month is graded, from the scheme version in force and the metric registry."""
    s = data.version
    path = layout.methodology(lang, data.month)
    title = say("method_title", lang)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f"<p><strong>{esc(say('method_scheme', lang))}:</strong> {esc(scheme_title(data, lang))} ({esc(s.name)} "
        f"{esc(s.version)})</p>",
        prose(say("method_source", lang, source=s.source_in(lang))),
        f"<h2>{esc(say('method_components', lang))}</h2>",
    ]
    head = [say("method_components", lang), say("metric", lang), say("method_weight", lang)]
    head += [say("method_formula", lang), say("definition", lang), say("method_reading", lang)]
    rows = [
        [
            esc(component_label(c, lang)),
            esc(METRICS[c.metric].label_hi if lang == "hi" else METRICS[c.metric].label_en),
            esc(f"{c.weight:g}"),
            esc(c.formula(lang)),
            esc(definition(c.metric, lang)),
            esc(say("method_reading", lang) if c.reading else say("method_official", lang)),
        ]
        for c in s.components
    ]
    parts.append(table([esc(h) for h in head], rows))
    left_out = [component_label(c, lang) for c in s.components if not fit.shows(c.metric, data.kinds)]
    if left_out:
        parts.append(f"<p class=note>{esc(say('method_no_records', lang, components=', '.join(left_out)))}</p>")
    parts.append(f"<h2>{esc(say('method_bands', lang))}</h2>")
    parts.append(
        table(
            [esc(say("grade", lang)), esc(say("method_min", lang)), esc(say("method_reading", lang))],
            [
                [
                    esc(b.grade),
                    esc(f"{b.min_score:g}"),
                    esc(say("method_reading" if b.reading else "method_official", lang)),
                ]
                for b in s.grades
            ],
            [False, True, False],
        )
    )
    missing = say(f"missing_{s.missing}", lang, min_data=f"{s.min_data_pct:g}")
    rules = say(
        "method_rules_text",
        lang,
        min_received=s.min_received,
        decimals=s.score_decimals,
        habitual=s.habitual_threshold,
        missing=missing,
        long_days=s.long_pending_days,
        zone=zone_name(data.timezone, lang),
    )
    parts += [f"<h2>{esc(say('method_rules', lang))}</h2>", prose(rules)]
    parts.append(f"<h2>{esc(say('method_versions', lang))}</h2>")
    parts.append(f"<p>{esc(say('method_version', lang, month=month_name(data.month, lang), version=s.version))}</p>")
    parts.append(
        table(
            [esc(say("method_scheme", lang)), esc(say("effective_from", lang))],
            [
                [
                    esc(v.version),
                    esc(v.effective_from.strftime("%Y-%m") if v.effective_from else say("from_start", lang)),
                ]
                for v in data.scheme.all_versions()
            ],
        )
    )
    parts.append(f"<h2>{esc(say('method_groups', lang))}</h2><ul>")
    for groups in s.volume_groups:
        for kind in groups.entity_types:
            if groups.method == "top_n":
                line = say("groups_top_n", lang, kind=say(kind, lang), n=groups.top_n)
            else:
                limits = ", ".join(fmt.indian(n) for n in groups.min_received)
                line = say("groups_thresholds", lang, kind=say(kind, lang), thresholds=limits)
            parts.append(f"<li>{esc(line)}</li>")
    parts.append("</ul>")
    confidence = {1.96: 95, 1.645: 90, 2.576: 99}.get(s.reliability_z, s.reliability_z)
    parts += [
        f"<h2>{esc(say('method_reliability', lang))}</h2>",
        prose(say("method_reliability_text", lang, pct=confidence)),
    ]
    f = s.flags
    parts += [
        f"<h2>{esc(say('method_flags', lang))}</h2>",
        prose(say("method_flags_text", lang, ratio=f.ratio, z=f.min_z, n=f.min_count)),
        table(
            [esc(say("flag", lang)), esc(say("definition", lang))],
            [[esc(hi if lang == "hi" else en), esc(describe(code, f, lang))] for code, (en, hi, *_) in FLAGS.items()],
        ),
    ]
    parts += [f"<h2>{esc(say('method_asof', lang))}</h2>", prose(say("method_asof_text", lang))]
    parts += [
        f"<h2>{esc(say('method_privacy', lang))}</h2>",
        prose(say("method_privacy_text", lang, suppress_below=s.suppress_below)),
        prose(
            say(
                "method_privacy_figures",
                lang,
                band=suppress.band(s.suppress_below),
                small_column="small_figures",  # the site's files are the package's: codes as headers
                hidden_column="hidden_figures",
            )
        ),
    ]
    listed = {n: m for n, m in METRICS.items() if fit.shows(n, data.kinds)}
    parts.append(f"<h2>{esc(say('method_metrics', lang))}</h2>")
    parts.append(
        table(
            [
                esc(say("site_column", lang)),
                esc(say("metric", lang)),
                esc(say("definition", lang)),
                esc(say("unit", lang)),
            ],
            [
                [
                    f"<code>{esc(n)}</code>",
                    esc(m.label_hi if lang == "hi" else m.label_en),
                    esc(definition(n, lang)),
                    esc(say(f"unit_{m.unit}", lang)),
                ]
                for n, m in listed.items()
            ],
        )
    )
    description = f"{scheme_title(data, lang)}: {title}"
    return Page(path, lang, f"{title} · {month_name(data.month, lang)}", description, None, "", "".join(parts))
