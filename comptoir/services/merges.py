"""Merging two records of one customer (administrators): the preview, the merge in one
transaction, and its undo while neither record changed since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import merges as repo
from comptoir.logic.account_numbers import account_key
from comptoir.logic.audit import FieldChange
from comptoir.logic.auth import Actor, require
from comptoir.logic.customers import validate_customer
from comptoir.logic.errors import FieldError, StaleRecord, ValidationFailed, present
from comptoir.logic.merges import Side, default_choices, differing, merge_refusals, merged_card
from comptoir.logic.records import Edit
from comptoir.operations import clock, unit_of_work
from comptoir.operations.card import apply_update, store_tokens
from comptoir.operations.settings import card_rules
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "merge"
RECENT = 20


@dataclass(frozen=True)
class MergePreview:
    """What a merge would do: both cards, the choices, the survivor's card after, the rows
    that move, the balances and points, and why it is refused if it is."""

    survivor: dict[str, Any]
    other: dict[str, Any]
    groups: list[str]
    choices: dict[str, str]
    result: dict[str, Any]
    moves: dict[str, int]
    balance: tuple[Decimal | None, Decimal | None]
    points: tuple[int | None, int | None]
    refusals: list[FieldError]
    problems: list[FieldError]

    @property
    def allowed(self) -> bool:
        """True when the merge may be confirmed."""
        return not self.refusals and not self.problems

    @property
    def balance_after(self) -> Decimal | None:
        """The survivor's balance after the merge (None: no credit account)."""
        found = [b for b in self.balance if b is not None]
        return sum(found, Decimal("0")) if found else None


def _facts(cur: Any, customer_id: int) -> tuple[Side, int | None]:
    """The record's facts for the merge rules, and its rewards points (None: no account)."""
    row = present(repo.side(cur, customer_id), "customer", customer_id)
    side = Side(
        customer_id,
        bool(row["archived"]),
        bool(row["erased"]),
        row["merged_into"],
        row["account_type_id"],
        row["rewards_card"],
    )
    return side, None if row["points"] is None else int(row["points"])


def _side(cur: Any, customer_id: int) -> Side:
    return _facts(cur, customer_id)[0]


def preview(
    actor: Actor, survivor_id: int, other_id: int, choices: dict[str, str] | None = None
) -> MergePreview:
    """What merging other into survivor would do with these choices (defaults otherwise)."""
    require(actor, "customers.merge")
    with db.cursor() as cur:
        (kept, kept_points), (gone, gone_points) = _facts(cur, survivor_id), _facts(cur, other_id)
        refusals = merge_refusals(kept, gone)
        survivor = customers_repo.get(cur, survivor_id)
        other = customers_repo.get(cur, other_id)
        assert survivor is not None and other is not None  # _facts found both
        moves = repo.counts(cur, other_id)
        accounts = repo.account(cur, survivor_id), repo.account(cur, other_id)
        points = kept_points, gone_points
        rules = card_rules(cur, clock.local_day())
    chosen = {**default_choices(survivor, other), **(choices or {})}
    groups = differing(survivor, other)
    chosen = {g: c for g, c in chosen.items() if g in groups}
    result = merged_card(survivor, other, chosen)
    problems: list[FieldError] = []
    try:
        validate_customer({**result, "account_number": survivor["account_number"]}, rules)
    except ValidationFailed as refused:
        problems = list(refused.errors)
    return MergePreview(
        survivor,
        other,
        groups,
        chosen,
        result,
        {table: n for table, n in moves.items() if n},
        tuple(Decimal(a["balance"]) if a else None for a in accounts),  # type: ignore[arg-type]
        points,
        refusals,
        problems,
    )


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def merge(
    actor: Actor,
    survivor_id: int,
    survivor_version: int,
    other_id: int,
    other_version: int,
    choices: dict[str, str],
    now: datetime | None = None,
) -> int:
    """Move everything of other to survivor in one transaction, archive other with a
    pointer to survivor, give survivor the chosen card values; the merge's id."""

    def work(uow: UnitOfWork) -> int:
        cur = uow.cur
        refusals = merge_refusals(_side(cur, survivor_id), _side(cur, other_id))
        if refusals:
            raise ValidationFailed(refusals)
        if not repo.lock_cards(cur, {survivor_id: survivor_version, other_id: other_version}):
            for customer_id, version in (
                (survivor_id, survivor_version),
                (other_id, other_version),
            ):
                current = customers_repo.current_version(cur, customer_id)
                if current != version:
                    raise StaleRecord(customer_id, current)
        repo.lock_accounts(cur, [survivor_id, other_id])
        survivor = customers_repo.get(cur, survivor_id)
        other = customers_repo.get(cur, other_id)
        assert survivor is not None and other is not None
        before = {name: _plain(survivor[name]) for name in customers_repo.CARD_COLUMNS}
        # The credit account: the survivor's takes the other's entries (one of its own
        # is opened on the other's terms when it has none); the other's then goes.
        folded = repo.account(cur, other_id)
        credit = None
        if folded is not None:
            created = repo.account(cur, survivor_id) is None
            if created:
                repo.open_account_like(cur, survivor_id, folded, uow.now)
            credit = {"before": {k: _plain(v) for k, v in folded.items()}, "created": created}
        had_default = repo.has_default_address(cur, survivor_id)
        moved = {table: repo.move(cur, table, other_id, survivor_id) for table in repo.MOVED}
        printed = repo.move_print_log(cur, other_id, survivor_id)
        cleared = (
            repo.defaults_among(cur, survivor_id, moved["delivery_addresses"])
            if had_default
            else []
        )
        repo.clear_defaults(cur, cleared)
        if folded is not None:
            repo.close_account(cur, other_id)
            repo.rebalance(cur, survivor_id, uow.now)
        rewards = repo.move_rewards_account(cur, other_id, survivor_id)
        repo.archive_into(cur, other_id, survivor_id, uow.now)
        result = merged_card(survivor, other, choices)
        changes = {k: v for k, v in result.items() if survivor[k] != v}
        if changes:
            apply_update(uow, Edit(survivor_id, survivor_version, changes))
        card = customers_repo.get(cur, survivor_id)
        assert card is not None
        store_tokens(uow, survivor_id, card)
        counts = {t: len(keys) for t, keys in moved.items() if keys}
        summary = ", ".join(f"{t} {n}" for t, n in counts.items())
        uow.audit(
            "merge",
            "customer",
            survivor_id,
            [
                FieldChange("merged", None, other["account_number"]),
                FieldChange("moved", None, summary),
            ],
        )
        uow.audit_change(
            "merged_into", "customer", other_id, "merged_into", None, survivor["account_number"]
        )
        return repo.record(
            cur,
            {
                "survivor_id": survivor_id,
                "merged_id": other_id,
                "merged_at": uow.now,
                "staff_id": actor.staff_id,
                "staff_name": actor.display_name,
                "survivor_before": before,
                "merged_before": {
                    "archived": bool(other["archived"]),
                    "archived_at": _plain(other["archived_at"]),
                },
                "moved": {**moved, "cleared_defaults": cleared, "print_jobs": printed},
                "accounts": {"credit": credit, "rewards": rewards},
                "fingerprint": [
                    repo.fingerprint(cur, survivor_id),
                    repo.fingerprint(cur, other_id),
                ],
            },
        )

    return unit_of_work.run(actor, "customers.merge", SCREEN, work, now)


def undo(actor: Actor, merge_id: int, now: datetime | None = None) -> None:
    """Give the merged record back everything that moved and the survivor its card as it
    was; refused once either record changed since the merge."""

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        done = present(repo.get(cur, merge_id, lock=True), "merge", merge_id)
        if done["undone_at"] is not None:
            raise ValidationFailed([FieldError("merge", "merge_already_undone")])
        survivor_id, other_id = done["survivor_id"], done["merged_id"]
        now_state = [repo.fingerprint(cur, survivor_id), repo.fingerprint(cur, other_id)]
        if now_state != done["fingerprint"]:
            raise ValidationFailed([FieldError("merge", "merge_changed_since")])
        repo.lock_accounts(cur, [survivor_id, other_id])
        credit = done["accounts"]["credit"]
        if credit is not None:
            before = credit["before"]
            before["opened_on"] = date.fromisoformat(before["opened_on"])
            repo.open_account_like(cur, other_id, before, uow.now)
        moved = done["moved"]
        for table in repo.MOVED:
            keys = moved.get(table, [])
            if repo.move_back(cur, table, keys, survivor_id, other_id) != len(keys):
                raise ValidationFailed([FieldError("merge", "merge_changed_since")])
        repo.set_defaults(cur, moved.get("cleared_defaults", []))
        repo.move_print_log_back(cur, moved.get("print_jobs", []), survivor_id, other_id)
        if credit is not None:
            if credit["created"]:
                repo.close_account(cur, survivor_id)
            else:
                repo.rebalance(cur, survivor_id, uow.now)
            repo.rebalance(cur, other_id, uow.now)
        if done["accounts"]["rewards"]:
            repo.move_rewards_account(cur, survivor_id, other_id)
        archived_at = done["merged_before"]["archived_at"]
        repo.restore_archive(
            cur,
            other_id,
            {
                "archived": done["merged_before"]["archived"],
                "archived_at": datetime.fromisoformat(archived_at) if archived_at else None,
            },
            uow.now,
        )
        survivor = customers_repo.get(cur, survivor_id)
        assert survivor is not None
        apply_update(uow, Edit(survivor_id, survivor["version"], done["survivor_before"]))
        for customer_id in (survivor_id, other_id):
            card = customers_repo.get(cur, customer_id)
            assert card is not None
            store_tokens(uow, customer_id, card)
        if not repo.mark_undone(cur, merge_id, actor.display_name, uow.now):
            raise ValidationFailed([FieldError("merge", "merge_already_undone")])
        for customer_id, other in ((survivor_id, other_id), (other_id, survivor_id)):
            uow.audit(
                "merge_undo",
                "customer",
                customer_id,
                [FieldChange("merge", merge_id, None), FieldChange("with", None, other)],
            )

    unit_of_work.run(actor, "customers.merge", SCREEN, work, now)


def find_pair(actor: Actor, first: object, second: object) -> tuple[int, int]:
    """The two customers of two typed account numbers (the record kept first)."""
    require(actor, "customers.merge")
    errors, found = [], []
    with db.cursor() as cur:
        for field, typed in (("survivor", first), ("other", second)):
            text = str(typed or "").strip()
            holder = customers_repo.holder_of_key(cur, account_key(text)) if text else None
            if holder is None:
                errors.append(FieldError(field, "merge_no_such_number", {"number": text}))
            else:
                found.append(int(holder["id"]))
    if errors:
        raise ValidationFailed(errors)
    return found[0], found[1]


def recent(actor: Actor, limit: int = RECENT) -> list[dict[str, Any]]:
    """The latest merges, newest first."""
    require(actor, "customers.merge")
    with db.cursor() as cur:
        return repo.recent(cur, limit)


def merged_into(customer_id: int) -> dict[str, Any] | None:
    """For an archived merged record: the survivor's id and account number."""
    with db.cursor() as cur:
        return repo.survivor_number(cur, customer_id)
