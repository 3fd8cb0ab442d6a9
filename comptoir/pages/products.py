"""Products: search; managers edit in the grid, add rows, import a CSV."""

import pandas as pd
import streamlit as st

from comptoir.i18n import format_money, t
from comptoir.logic.auth import can
from comptoir.logic.errors import Busy, StaleRecord, ValidationFailed
from comptoir.services import export_views, products, shop
from comptoir.ui.auth import require_page
from comptoir.ui.export_panel import export_panel
from comptoir.ui.grid_state import rows_as_loaded, stale_row_message
from comptoir.ui.notices import confirmed
from comptoir.ui.session import language, show_refusal, show_row_refusals, tr, trn

actor = require_page("products.view")
ss = st.session_state
lang = language()
currency = shop.get_settings().get("currency", "EUR")
editable = can(actor.role, "products.edit")
nonce = ss.setdefault("products.nonce", 0)
levels = products.price_levels()

st.title(tr("products.title"))
confirmed("products.flash")
term = st.text_input(tr("products.search"), key="products.term")
page = ss.get("products.page", 0)
fresh, total = products.search_products(term, page=page)
editor_key = f"products.grid.{nonce}"
# Edits belong to the rows the grid was drawn with (id, version), never to positions.
rows = rows_as_loaded(ss.setdefault("products.loaded", {}), editor_key, fresh, ss.get(editor_key))


def _as_shown(r: dict) -> dict:
    """A product's cells as the grid shows them (and compares them after a conflict)."""
    return {
        "sku": r["sku"],
        "name": r["name"],
        "product_group": r["product_group"] or "",
        "price": str(r["price"]),
        "tax_rate": f"{r['tax_rate'].normalize():f}",
        "active": bool(r["active"]),
        **{f"price_{level}": str(r["levels"].get(level, "")) for level in levels},
    }


_COMPARED = (
    "sku",
    "name",
    "product_group",
    "price",
    "tax_rate",
    "active",
    *(f"price_{x}" for x in levels),
)
frame = pd.DataFrame(
    [{"id": r["id"], "version": r["version"], **_as_shown(r)} for r in rows],
    columns=[
        "id",
        "version",
        "sku",
        "name",
        "product_group",
        "price",
        "tax_rate",
        "active",
        *(f"price_{level}" for level in levels),
    ],
)
st.data_editor(
    frame,
    key=editor_key,
    hide_index=True,
    width="content",  # the columns keep their widths (and the browser tests find them)
    num_rows="add" if editable else "fixed",
    disabled=not editable,
    column_config={
        "id": None,
        "version": None,
        "sku": st.column_config.TextColumn(tr("field.sku"), width=120),
        "name": st.column_config.TextColumn(tr("field.name"), width=260),
        "product_group": st.column_config.TextColumn(tr("field.product_group"), width=130),
        "price": st.column_config.TextColumn(tr("field.price"), width=90),
        "tax_rate": st.column_config.SelectboxColumn(
            tr("field.tax_rate"),
            options=[f"{r.normalize():f}" for r in products.tax_rates()],
            width=90,
        ),
        "active": st.column_config.CheckboxColumn(tr("field.active"), width=70),
        **{
            f"price_{level}": st.column_config.TextColumn(
                tr("field.level_price", level=level), width=110
            )
            for level in levels
        },
    },
)
st.caption(
    trn(
        "products.count",
        total,
        total=total,
        currency=currency,
        example=format_money(12, currency, lang),
    )
)
if editable and st.button(tr("customers.save"), type="primary", key="products.save"):
    state = ss.get(editor_key) or {}
    # Edited rows keep their other cells; added rows are what was typed.
    edited = state.get("edited_rows") or {}
    work = [
        (rows[int(p)], {**frame.iloc[int(p)].to_dict(), **change}) for p, change in edited.items()
    ]
    typed = {rows[int(p)]["id"]: change for p, change in edited.items()}
    work += [(None, row) for row in state.get("added_rows") or []]
    saved, problems = 0, []
    for current, raw in work:
        try:
            products.save_product(
                actor,
                current["id"] if current else None,
                current["version"] if current else None,
                raw,
            )
            saved += 1
        except ValidationFailed as exc:
            problems.append((raw.get("sku") or "?", exc))
        except StaleRecord:  # only an edited row (current is set) can be stale
            now = products.get_product(current["id"])
            changes = {k: v for k, v in typed[current["id"]].items() if k in _COMPARED}
            name = f"{t('field.sku', lang)} {current['sku']}"
            loaded = {k: v for k, v in _as_shown(current).items() if k in _COMPARED}
            message = stale_row_message(name, now and _as_shown(now), changes, lang, loaded=loaded)
            problems.append((current["sku"], message))
    if problems:
        show_row_refusals([(f"{tr('field.sku')} {sku}", exc) for sku, exc in problems])
    else:
        ss["products.nonce"] = nonce + 1
        ss["products.flash"] = trn("products.saved", saved)
        st.rerun()

if editable:
    with st.expander(tr("products.import")):
        st.caption(tr("products.import_help", levels=", ".join(f"price_{x}" for x in levels)))
        upload = st.file_uploader(tr("field.csv"), type=["csv"], key=f"products.csv.{nonce}")
        if upload is not None and st.button(tr("products.import_go"), key="products.import"):
            bar = st.progress(0.0, text=tr("products.stage.reading"))
            try:
                count = products.import_csv(
                    actor,
                    upload.getvalue(),
                    progress=lambda done, stage: bar.progress(
                        done, text=tr(f"products.stage.{stage}")
                    ),
                )
            except ValidationFailed as exc:
                bar.empty()
                show_refusal(exc)
            except Busy:
                bar.empty()
                st.warning(tr("error.busy"))
            else:
                ss["products.nonce"] = nonce + 1
                ss["products.flash"] = trn("products.imported", count)
                st.rerun()

export_panel(lambda: export_views.products(term), "products.export")
