"""What a dry run says of each line of an opening file, and the customers lines name: shared
by the balances, vouchers and past sales imports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from comptoir.data import imports as imports_repo
from comptoir.data import openings as repo
from comptoir.logic.customer_import import ImportTable, match_keys
from comptoir.logic.customers import blank
from comptoir.logic.errors import FieldError, FieldProblem
from comptoir.logic.opening_import import WHO

OUTCOMES = ("ready", "nothing", "invalid")
SHOWN_LINES = 1000


@dataclass(frozen=True, slots=True)
class LinePlan:
    """One line's verdict: ready (to write), nothing (no position to bring), invalid; what
    is wrong, or to check, with the customer it names."""

    line: int
    outcome: str
    errors: tuple[FieldError, ...] = ()
    customer_id: int | None = None
    customer: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    to_check: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class OpeningPlan:
    """A dry run: every line's verdict, the counts and the totals (amounts as text)."""

    kind: str
    mapping: tuple[str | None, ...]
    lines: tuple[LinePlan, ...]
    totals: Mapping[str, str]
    extra: Any = None  # the kind's own plan (past sales: the sales)
    stamp: tuple = ()  # what the database was when planned (repo.stamp)
    rows: int = 0  # lines of the file planned

    def counts(self) -> dict[str, int]:
        """How many lines have each outcome."""
        found = dict.fromkeys(OUTCOMES, 0)
        for line in self.lines:
            found[line.outcome] += 1
        return found


def cells_by_field(
    table: ImportTable, mapping: Sequence[str | None]
) -> list[tuple[int, dict[str, object]]]:
    """Each row as {field: cell} for the mapped columns."""
    picked = [(i, name) for i, name in enumerate(mapping) if name]
    return [(line, {name: cells[i] for i, name in picked}) for line, cells in table.rows]


def error(name: str, problem: FieldProblem, line: int) -> FieldError:
    """A field's problem named with its line."""
    return FieldError(name, problem.code, {**problem.params, "line": str(line)})


def named(row: Mapping[str, Any] | None) -> str:
    """A customer as the report names them: name (account number)."""
    if not row:
        return ""
    name = " ".join(str(row.get(k) or "") for k in ("first_name", "last_name")).strip()
    return f"{name or row.get('company') or ''} ({row.get('account_number') or ''})"


@dataclass(frozen=True)
class Found:
    """Who a row names: the customer's id (None: nobody found, or no name at all)."""

    customer_id: int | None
    given: bool  # the row names someone (an account number, e-mail or mobile)


def find_customers(
    cur: Any, rows: Sequence[Mapping[str, object]], region: str
) -> tuple[list[Found], dict[int, dict[str, Any]]]:
    """Each row's customer by account number, else e-mail, else mobile (as the customer
    import stored them), and the customers found."""
    keyed = [match_keys({k: r.get(k) for k in WHO}, region) for r in rows]
    wanted: dict[str, list[str]] = {"key": [], "email": [], "mobile": []}
    for keys in keyed:
        for kind in wanted:
            if kind in keys:
                wanted[kind].append(keys[kind])
    hits = imports_repo.matches(cur, wanted)
    found = []
    for row, keys in zip(rows, keyed, strict=True):
        customer_id = next(
            (
                hits[kind][keys[kind]]
                for kind in wanted
                if kind in keys and keys[kind] in hits[kind]
            ),
            None,
        )
        found.append(Found(customer_id, any(not blank(row.get(k)) for k in WHO)))
    ids = sorted({f.customer_id for f in found if f.customer_id is not None})
    return found, repo.customers(cur, ids)


def not_found(row: Mapping[str, object], line: int) -> FieldError:
    """The row names a customer nobody has: the first identity given."""
    name = next(k for k in WHO if not blank(row.get(k)))
    return FieldError(name, "opening_no_customer", {"line": str(line), "value": str(row[name])})


def frame(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows for a bulk write, each cell as it is (no column turned into floats by a None:
    PostgreSQL reads the cells as text)."""
    return pd.DataFrame(list(rows), columns=list(columns), dtype=object)


def money(value: Decimal) -> str:
    """An amount as a total's text (JSON keeps it exact)."""
    return str(value.quantize(Decimal("0.01")))
