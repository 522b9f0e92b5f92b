"""Who sees what: roles, identities and the scope of a request.

Roles
-----
- ``public``: no sign-in; the public pages, which show aggregates only.
- ``collector``: one or more districts; the collector page, limited to those districts.
- ``department_head``: one or more departments; the department page, its case counts limited to them.
- ``admin`` (state administrator): everything, plus the data page and the audit log.

Scope is enforced here and in :mod:`grading.serve.views`, not only in the pages: the case functions take the
signed-in :class:`Identity` and ask it for the scope of a request (:meth:`Identity.scope`), which can
narrow the identity's districts or departments but never widen them (:class:`AccessDeniedError`).

Plain values, no I/O: the account store that makes them is :mod:`grading.access.accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from grading.model.schema import NivaranError

ROLES: Final = ("public", "collector", "department_head", "admin")


@dataclass(frozen=True)
class Scope:
    """Which districts and departments a query may return (None = all); made by :meth:`Identity.scope`."""

    districts: tuple[str, ...] | None = None
    departments: tuple[str, ...] | None = None
    label: str = field(default="state", compare=False)

    def district_list(self) -> list[str] | None:
        return list(self.districts) if self.districts is not None else None

    def department_list(self) -> list[str] | None:
        return list(self.departments) if self.departments is not None else None


class AccessError(NivaranError):
    """A bad account definition (unknown role, missing scope, duplicate user)."""


class AccessDeniedError(NivaranError):
    """A request outside the signed-in identity's scope."""


@dataclass(frozen=True)
class Identity:
    """A signed-in (or public) user: role and the districts or departments they may see."""

    username: str
    role: str
    districts: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    def can_see(self, page: str) -> bool:
        """Whether the role may open ``page`` (``collector``, ``department``, ``data``, ``audit``)."""
        allowed = {
            "collector": ("collector", "admin"),
            "department": ("department_head", "admin"),
            "data": ("admin",),
            "audit": ("admin",),
        }
        return self.role in allowed.get(page, ROLES)

    def scope(self, *, district: str | None = None, department: str | None = None) -> Scope:
        """The case scope of a request: the identity's own, narrowed to ``district``/``department``.

        Raises :class:`AccessDeniedError` for the public, and for a district or department outside the
        identity's: a page, widget or URL can ask for less, never for more.
        """
        if self.role not in ("collector", "department_head", "admin"):
            msg = "case lists need a signed-in collector, department head or administrator"
            raise AccessDeniedError(msg)
        districts = self.districts if self.role == "collector" else None
        departments = self.departments if self.role == "department_head" else None
        if district is not None:
            if districts is not None and district not in districts:
                msg = f"{self.username} may not see district {district}"
                raise AccessDeniedError(msg)
            districts = (district,)
        if department is not None:
            if departments is not None and department not in departments:
                msg = f"{self.username} may not see department {department}"
                raise AccessDeniedError(msg)
            departments = (department,)
        parts = [
            f"{name}={','.join(codes)}"
            for name, codes in (("districts", districts), ("departments", departments))
            if codes is not None
        ]
        return Scope(districts=districts, departments=departments, label=";".join(parts) or "state")


PUBLIC: Final = Identity("", "public")
