"""Who sees what: identities and scopes (``identity``, plain values), the account store with sign-in
limits and the audit log (``accounts``, a SQLite file beside the database), and sign-in sessions."""
