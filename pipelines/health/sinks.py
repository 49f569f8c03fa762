"""Where a run's alerts go besides the log and the run record: a webhook (a JSON POST) and
e-mail over SMTP, each switched on by its settings (`alert_*`, docs/operations.md).

A sink that fails is logged and never fails the run. Nothing secret is logged: a webhook URL
is shown by its host only (many carry a token in the path or query), the SMTP password comes
from the environment only and is never shown.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from pipelines.health.checks import SEVERITIES, Alert, worst

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SinkConfig:
    webhook_url: str = ""
    timeout: float = 10.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    min_severity: str = "warning"

    @classmethod
    def read(cls, get: Callable[[str, Any], Any]) -> SinkConfig:
        """From settings: `get("VIGIL_ALERT_<NAME>", default)`."""

        def value(name: str, default: Any) -> Any:
            raw = get(f"VIGIL_ALERT_{name.upper()}", None)
            return default if raw in (None, "") else raw

        to = value("smtp_to", "")
        return cls(
            webhook_url=str(value("webhook_url", "")),
            timeout=float(value("timeout", 10.0)),
            smtp_host=str(value("smtp_host", "")),
            smtp_port=int(value("smtp_port", 25)),
            smtp_from=str(value("smtp_from", "")),
            smtp_to=tuple(a.strip() for a in (to.split(",") if isinstance(to, str) else to) if a.strip()),
            smtp_starttls=str(value("smtp_starttls", False)).lower() in ("1", "true", "yes"),
            smtp_user=str(value("smtp_user", "")),
            smtp_password=str(value("smtp_password", "")),
            min_severity=str(value("min_severity", "warning")),
        )

    @property
    def email(self) -> bool:
        return bool(self.smtp_host and self.smtp_to)


def webhook_host(url: str) -> str:
    """What may be logged of a webhook URL: its scheme and host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}"


def payload(market: str, run_id: int | None, status: str, alerts: Sequence[Alert]) -> dict[str, Any]:
    return {
        "source": "vigil",
        "market": market,
        "run_id": run_id,
        "status": status,
        "severity": worst(alerts),
        "alerts": [a.to_json() for a in alerts],
    }


def post_webhook(url: str, body: dict[str, Any], timeout: float) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "vigil-alerts"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()  # a non-2xx answer raises HTTPError


def email_message(config: SinkConfig, body: dict[str, Any]) -> EmailMessage:
    alerts = body["alerts"]
    message = EmailMessage()
    message["Subject"] = (f"[vigil] {body['market']}: {len(alerts)} health alert(s), worst "
                          f"{body['severity']} (run {body['run_id']}, {body['status']})")
    message["From"] = config.smtp_from or "vigil@localhost"
    message["To"] = ", ".join(config.smtp_to)
    lines = [f"{a['severity'].upper()} {a['kind']}: {a['message']}" for a in alerts]
    message.set_content("\n".join(lines) + "\n\n" + json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    return message


def send_email(config: SinkConfig, message: EmailMessage) -> None:
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout) as smtp:
        if config.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(message)


def dispatch(
    config: SinkConfig, market: str, run_id: int | None, status: str, alerts: Sequence[Alert]
) -> list[str]:
    """Send the alerts at or above `min_severity` to every configured sink; the sinks that
    took them. A failure is logged (an ERROR line) and never raised."""
    floor = SEVERITIES.index(config.min_severity) if config.min_severity in SEVERITIES else 0
    chosen = [a for a in alerts if SEVERITIES.index(a.severity) >= floor]
    if not chosen:
        return []
    body = payload(market, run_id, status, chosen)
    delivered = []
    if config.webhook_url:
        where = webhook_host(config.webhook_url)
        try:
            post_webhook(config.webhook_url, body, config.timeout)
            delivered.append("webhook")
        except Exception as exc:  # any failure of a sink is logged, never raised
            logger.error("%s: alerts not delivered to the webhook at %s: %s", market, where,
                         _reason(exc))
    if config.email:
        try:
            send_email(config, email_message(config, body))
            delivered.append("email")
        except Exception as exc:
            logger.error("%s: alerts not e-mailed through %s:%d: %s", market, config.smtp_host,
                         config.smtp_port, _reason(exc))
    return delivered


def _reason(exc: BaseException) -> str:
    """An exception's kind and message, without a URL (urllib's messages carry none)."""
    return f"{type(exc).__name__}: {getattr(exc, 'reason', None) or exc}"
