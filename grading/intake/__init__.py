"""Data coming in: file readers, input limits, mappings of per-request exports, and the load itself
(check everything, then write once)."""
