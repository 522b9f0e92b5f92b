"""Who sees what: identities and scopes (``identity``, plain values), the access file beside the database
(``accessfile``) with its accounts (``accounts``), sign-in and its limits (``signin``), the audit log
(``audit`` for what a row says, ``logbook`` for the rows), watchlists, meeting decisions, and sign-in sessions."""
