"""Pure rules over frames (Polars in, Polars out, no I/O): the as-of rules and month arithmetic, deriving
complaints and stints from events, the history and row checks, reading times, masking and pseudonyms."""
