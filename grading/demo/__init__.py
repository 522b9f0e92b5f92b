"""The built-in demo: a deterministic synthetic history (``simulate``, from ``setup``, with the planted
gaming department of ``gaming``) and the demo store with its accounts (``build``)."""
