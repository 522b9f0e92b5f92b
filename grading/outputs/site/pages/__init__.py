"""The site's HTML pages: one self-contained document per page and language (pure: data in, text out).

Every page is plain HTML with one small inline style sheet: no script, no font, image or file fetched
from elsewhere, readable with JavaScript off and printable. Charts are inline SVG
(:mod:`grading.outputs.site.charts`), each with the same figures in a table under it (folded in a
``<details>`` element, which opens without script) and a link to the chart as an SVG file. Each page
links to itself in the other language, and carries Open Graph tags (title, description, the page's
chart as a 1200 × 630 image) so that a shared link shows a card.

Figures are printed by :mod:`grading.outputs.site.figures` (hidden ones in words); every word is an entry
of :mod:`grading.words` (:mod:`grading.words.site` for the site's own). Names from the store are escaped.

One module per page kind: :mod:`~.overview` (the month), :mod:`~.entity` (one department or district),
:mod:`~.methodology`, :mod:`~.downloads` and :mod:`~.root` (``index.html``); :mod:`~.frame` is the
document around each page and :mod:`~.parts` the pieces they share.
"""
