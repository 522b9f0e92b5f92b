"""Store in, frames out, per audience: page data and scoped case lists (``views``), the public boundary
with its suppression rule (``public``), the collector's review (``review``) and the month's integrity
flags (``integrity``)."""
