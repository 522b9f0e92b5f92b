"""The store: the only code of Nivaran that talks to DuckDB. ``slots`` (the files and the swap),
``replay`` (a write replayed on the standby), ``database`` (opening, ``meta``, grading reads), ``writes``
(what a load writes), ``case_reads``, ``published``, ``migrations``, ``helpline`` (a store's own
settings), ``reference`` (shipped data) and ``sqltext`` (the one home of SQL text)."""
