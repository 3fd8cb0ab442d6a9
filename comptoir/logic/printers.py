"""Printer settings: which printer serves which role, checked before they are stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from comptoir.logic.errors import FieldError, FieldProblem, ValidationFailed

ROLES = ("receipts", "labels")
KINDS = ("pdf", "network", "usb", "serial", "file")
WIDTHS = (40, 42, 48)
CODE_PAGES = ("CP858", "CP1252")
DEFAULT_TIMEOUT = 3.0


@dataclass(frozen=True)
class PrinterConfig:
    """One printer; kind "pdf" means no printer: the user gets the PDF."""

    kind: str = "pdf"
    host: str = ""
    port: int = 9100
    usb_vendor: str = ""
    usb_product: str = ""
    serial_device: str = ""
    baudrate: int = 9600
    path: str = ""
    columns: int = 42
    code_page: str = "CP858"
    timeout: float = DEFAULT_TIMEOUT

    def as_dict(self) -> dict[str, object]:
        """Stored form."""
        return asdict(self)

    def describe(self) -> str:
        """How the UI and the print log name it: 192.168.1.50:9100, USB 04b8:0202…"""
        if self.kind == "network":
            return f"{self.host}:{self.port}"
        if self.kind == "usb":
            return f"USB {self.usb_vendor}:{self.usb_product}"
        if self.kind == "serial":
            return f"{self.serial_device} ({self.baudrate} baud)"
        if self.kind == "file":
            return self.path
        return "PDF"


def _int(value: object, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise FieldProblem("whole_number_between", low=str(low), high=str(high)) from exc
    if not low <= number <= high:
        raise FieldProblem("whole_number_between", low=str(low), high=str(high))
    return number


def _hex_id(value: object) -> str:
    text = str(value or "").strip().lower().removeprefix("0x")
    if not text or len(text) > 4 or any(c not in "0123456789abcdef" for c in text):
        raise FieldProblem("usb_id_invalid")
    return text.rjust(4, "0")


def _host(value: object) -> str:
    text = str(value or "").strip()
    if not text or " " in text or len(text) > 253:
        raise FieldProblem("host_invalid")
    return text


def _required(value: object) -> str:
    text = str(value or "").strip()
    if not text:
        raise FieldProblem("required")
    return text


def clean_printer(raw: Mapping[str, object]) -> PrinterConfig:
    """A checked configuration; every refused field is named."""
    kind = str(raw.get("kind") or "pdf")
    errors: list[FieldError] = []
    clean: dict[str, Any] = {"kind": kind}
    checks: dict[str, dict[str, Callable[[object], object]]] = {
        "network": {"host": _host, "port": lambda v: _int(v, 1, 65535)},
        "usb": {"usb_vendor": _hex_id, "usb_product": _hex_id},
        "serial": {"serial_device": _required, "baudrate": lambda v: _int(v, 1200, 921600)},
        "file": {"path": _required},
    }
    if kind not in KINDS:
        errors.append(FieldError("printer_kind", "not_in_list", {"allowed": ", ".join(KINDS)}))
    for name, check in checks.get(kind, {}).items():
        try:
            clean[name] = check(raw.get(name))
        except FieldProblem as problem:
            errors.append(FieldError(f"printer_{name}", problem.code, problem.params))
    try:
        clean["columns"] = int(str(raw.get("columns", 42)))
        if clean["columns"] not in WIDTHS:
            raise ValueError
    except ValueError:
        errors.append(FieldError("printer_columns", "not_in_list", {"allowed": "40, 42, 48"}))
    code_page = str(raw.get("code_page") or "CP858")
    if code_page not in CODE_PAGES:
        errors.append(
            FieldError("printer_code_page", "not_in_list", {"allowed": ", ".join(CODE_PAGES)})
        )
    clean["code_page"] = code_page
    if errors:
        raise ValidationFailed(errors)
    return PrinterConfig(**clean)


def parse_stored(values: Mapping[str, Any]) -> PrinterConfig:
    """A stored configuration (already checked); unknown keys ignored."""
    known = set(PrinterConfig.__dataclass_fields__)
    return PrinterConfig(**{k: v for k, v in values.items() if k in known})
