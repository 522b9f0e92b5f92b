"""The published month at internet scale: a static bilingual site, a read API and a standard data package.

``nivaran publish --site DIR`` writes, beside the package, a site that needs no server and no script:

- :mod:`~grading.outputs.site.read`: what a month shows, read through the public boundary only;
- :mod:`~grading.outputs.site.figures`: a figure as printed (hidden ones in words);
- :mod:`~grading.outputs.site.charts`: simple charts as SVG, and as PNG for link previews;
- :mod:`~grading.outputs.site.pages`: the HTML pages, English and Hindi, one module per page kind;
- :mod:`~grading.outputs.site.api`: the read API's JSON documents and their JSON Schemas;
- :mod:`~grading.outputs.site.datapackage`: ``datapackage.json`` (Frictionless) and ``dcat.json`` (DCAT);
- :mod:`~grading.outputs.site.layout`: where every file lives, and links between them;
- :mod:`~grading.outputs.site.build`: writing it all, a month at a time, and the live API's reads.

``docs/site.md`` describes the site, the API's schema and the package's descriptors for their readers.
"""
