"""Send ESC/POS bytes to a printer, never blocking for long."""

from __future__ import annotations

from escpos import printer as escpos_printers

from comptoir.logic.printers import PrinterConfig

# DLE EOT 1: "transmit printer status". A live printer answers one byte.
STATUS_QUERY = b"\x10\x04\x01"


class PrinterUnavailable(Exception):
    """The printer could not be reached or did not answer in time."""

    def __init__(self, printer: str, reason: str):
        self.printer = printer
        self.reason = reason
        super().__init__(f"{printer}: {reason}")


def _network(config: PrinterConfig, data: bytes) -> None:
    device = escpos_printers.Network(config.host, config.port, timeout=config.timeout)
    try:
        device.open(raise_not_found=True)
    except Exception as exc:  # escpos wraps socket errors in its own exceptions
        raise PrinterUnavailable(config.describe(), "unreachable") from exc
    try:
        # Ask first, send after: a printer that does not answer never gets half a job.
        device.device.settimeout(config.timeout)
        device.device.sendall(STATUS_QUERY)
        if not device.device.recv(1):
            raise PrinterUnavailable(config.describe(), "closed")
        device._raw(data)
    except TimeoutError as exc:
        raise PrinterUnavailable(config.describe(), "no_answer") from exc
    except OSError as exc:
        raise PrinterUnavailable(config.describe(), "unreachable") from exc
    finally:
        device.close()


def _file(config: PrinterConfig, data: bytes) -> None:
    try:
        with open(config.path, "ab", buffering=0) as device:
            device.write(data)
    except OSError as exc:
        raise PrinterUnavailable(config.describe(), "unreachable") from exc


def _usb(config: PrinterConfig, data: bytes) -> None:
    try:
        device = escpos_printers.Usb(
            int(config.usb_vendor, 16),
            int(config.usb_product, 16),
            timeout=int(config.timeout * 1000),
        )
        device.open()
        device._raw(data)
        device.close()
    except Exception as exc:  # pyusb missing, device absent, permission denied…
        raise PrinterUnavailable(config.describe(), "unreachable") from exc


def _serial(config: PrinterConfig, data: bytes) -> None:
    try:
        device = escpos_printers.Serial(
            config.serial_device, baudrate=config.baudrate, timeout=config.timeout
        )
        device.open()
        device._raw(data)
        device.close()
    except Exception as exc:  # pyserial missing, port absent…
        raise PrinterUnavailable(config.describe(), "unreachable") from exc


def send(config: PrinterConfig, data: bytes) -> None:
    """Deliver the bytes, or raise PrinterUnavailable within about config.timeout seconds."""
    senders = {"network": _network, "file": _file, "usb": _usb, "serial": _serial}
    if config.kind not in senders:
        raise PrinterUnavailable(config.describe(), "pdf_only")
    senders[config.kind](config, data)
