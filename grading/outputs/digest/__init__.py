"""Weekly digests: the dashboard's view of each account, as one e-mail, in the account's language.

A digest is made **as of a day** D for one account and holds exactly what that account's pages show,
read through the same serving functions with the account's own :class:`~grading.access.identity.Identity`
(so its scope is enforced by the core, as on the pages):

- a **collector**, per district of their scope: pending, overdue and due within 2 days at the end of D
  (:func:`grading.serve.review.cases`), the changes since the last review (default 7 days before,
  :func:`grading.serve.review.changes`), the most overdue complaints, and the district's **meeting
  pack** attached (:mod:`grading.outputs.meeting`, Excel), recorded in the audit log like every case file;
- a **department head**, per department of their scope, for the month of D (or the latest month with
  data before it): the printed rank (``rank_text``: "3", or a range "2–5"), grade and score of the
  department page's title, why the score moved since last month (:func:`grading.scoring.plan.why_moved`),
  the plan's first actions (:func:`grading.scoring.plan.department_plan`) and the integrity flags raised;
- an **administrator**: statewide pending and overdue, the districts with the most overdue, and how many
  integrity flags the month raised.

Every digest links back to the dashboard views (``<base>/collector?district=…&month=…&lang=…``,
``<base>/department?…``), has a plain-text and an HTML part built from the same sections, and a
**Message-ID derived from the account, its role and the day** (:func:`message_id`): a rerun for the same
day finds it in the outbox (:mod:`grading.outputs.outbox`) and queues nothing new.

The parts: :mod:`~.message` (a digest as a message and an e-mail), :mod:`~.sections` (what each role's
digest says) and :mod:`~.compose` (one account's digest built, a run's queued).
"""
