"""The store: the only code of Nivaran that talks to DuckDB. ``slots`` (the files and the swap),
``database`` (opening, ``meta``, grading reads), ``writes`` (what a load writes), ``case_reads``,
``published``, ``migrations``, ``helpline`` (a store's own settings) and ``reference`` (shipped data)."""
