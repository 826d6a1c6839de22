"""One typed settings object, read once at start-up from ``ADWARDEN_*`` environment variables.

Why one object: every command and the server must honour the same variables (``ADWARDEN_DATABASE_URL`` above
all), and secrets must be refused when left at their defaults outside development. Each field carries a default
and a description; ``docs/settings.md`` is checked against these fields by the test suite.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from adwarden.domain.errors import ConfigError

DEV_BANK_KEY = "development-only-bank-key-change-me"
#: Shortest HMAC key or API key accepted in production.
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    """AdWarden settings. Environment variables use the ``ADWARDEN_`` prefix (``ADWARDEN_DATA_DIR``...)."""

    model_config = SettingsConfigDict(env_prefix="ADWARDEN_", extra="ignore")

    environment: Literal["development", "production", "test"] = Field(
        "development", description="Deployment environment; production refuses default secrets."
    )
    data_dir: Path = Field(Path("var"), description="Directory for the SQLite database, blobs and packages.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy database URL. Default: a SQLite file adwarden.db in the data directory. "
        "Use postgresql+psycopg://... for PostgreSQL.",
    )
    policy_path: Path | None = Field(None, description="Policy TOML file; default: the packaged default policy.")
    lexicon_path: Path | None = Field(None, description="Indicator lexicon file; default: the packaged lexicon.")
    default_region: str = Field("US", description="Region used to read phone numbers written in national format.")
    bank_hmac_key: str = Field(
        DEV_BANK_KEY, description="Per-deployment secret for keyed hashes of bank identifiers (HMAC-SHA256)."
    )
    rescan_worker_seconds: float = Field(
        5.0, description="Seconds between the API server's checks for queued rescan jobs (bank imports, policy "
        "activations); 0 disables the background worker. Never started when the environment is test."
    )
    api_screen_workers: int | None = Field(
        None, ge=0, le=8, description="Forked processes that screen the API's posts ahead of its writer (0: screen in "
        "the writer thread). Default: 1 on a machine with two or more cores, 0 when the environment is test."
    )
    max_body_bytes: int = Field(256 * 1024, description="Largest accepted post body in bytes.")
    max_field_chars: int = Field(2000, description="Largest accepted length of short fields (title, location...).")
    ingest_batch_size: int = Field(200, description="Posts committed per transaction by file ingest.")
    api_keys: dict[str, str] = Field(
        default_factory=dict,
        description='API keys as JSON {"key": "actor-name:role1,role2"}. Empty in development: requests act as '
        "dev-platform with the platform role.",
    )
    platform_sites: dict[str, str] = Field(
        default_factory=dict,
        description='Sites each platform actor acts for, as JSON {"actor-name": "site1,site2"} (flags, appeals, '
        "the action feed, webhooks). Unbound actors: every site outside production, none in production.",
    )
    webhook_poll_seconds: float = Field(
        0.5, description="Seconds between the API server's webhook sender polls (it is also woken by decisions); "
        "0 disables the in-process sender. Never started when the environment is test."
    )
    webhook_timeout_seconds: float = Field(5.0, description="Seconds before a webhook request times out (then retried).")
    webhook_max_attempts: int = Field(10, description="Attempts per webhook delivery before the dead-letter list.")
    review_lease_minutes: float = Field(10.0, description="Minutes a reviewer's claim on a case lasts (renewable).")
    cli_actor: str | None = Field(None, description="Actor name recorded for CLI commands (default: OS user).")
    cli_api_key: str | None = Field(
        None, description="API key the CLI authenticates with where an identity is needed (four-eyes steps: "
        "report approval and submission, emergency call-back and supervisor checks)."
    )
    cli_roles: str = Field("admin", description="Comma-separated roles of the CLI operator (shell access is trusted).")
    legal_signing_key_path: Path | None = Field(
        None, description="Ed25519 private key (PEM or 64 hex chars) that signs evidence packages; wins over the key."
    )
    legal_signing_key: str | None = Field(
        None, description="Ed25519 private key as PEM or 64 hex chars. Unset: a public development key, refused "
        "outside development/test."
    )
    audit_checkpoint_dir: Path | None = Field(
        None, description="Directory for signed audit checkpoints (ship it off the host); default "
        "<data dir>/audit-checkpoints."
    )
    audit_checkpoint_seconds: float = Field(
        3600.0, description="Seconds between the API server's audit checkpoints; 0 disables them. Never started "
        "when the environment is test."
    )
    evidence_trusted_keys: str = Field(
        "", description="Comma-separated Ed25519 key fingerprints (sha256:...) that `adwarden evidence verify` "
        "trusts as signers; the public development key is never trusted."
    )
    legal_emergency_hours: int = Field(4, description="Hours within which an emergency disclosure request is due.")
    legal_default_days: int = Field(14, description="Days within which other legal process is due by default.")
    legal_preservation_days: int = Field(90, description="Days a §2703(f) preservation lasts (at least 90).")
    legal_cybertip_preservation_days: int = Field(
        365, description="Days a filed CyberTipline report's contents are held (at least 365, REPORT Act)."
    )
    legal_official_domains: str = Field(
        ".gov,.mil,.us,.police.uk,.gc.ca,.gov.uk,.gov.au",
        description="Comma-separated e-mail domain suffixes treated as official for emergency-request checks.",
    )
    ncmec_environment: Literal["test", "production"] = Field(
        "test", description="NCMEC CyberTipline environment; production files real CyberTips and must be set explicitly."
    )
    ncmec_url: str | None = Field(
        None, description="ISPWS base URL override (e.g. the local stand-in); default: the environment's URL."
    )
    ncmec_username: str | None = Field(None, description="NCMEC ISPWS user name (HTTP Basic auth).")
    ncmec_password: str | None = Field(None, description="NCMEC ISPWS password (HTTP Basic auth).")
    ncmec_timeout: float = Field(30.0, description="Seconds before an ISPWS call times out (then it is retried).")
    ncmec_retry_attempts: int = Field(4, description="Attempts per ISPWS call on transient failures (exponential back-off).")
    reporter_first_name: str | None = Field(None, description="CyberTipline reporting person: first name.")
    reporter_last_name: str | None = Field(None, description="CyberTipline reporting person: last name.")
    reporter_email: str | None = Field(None, description="CyberTipline reporting person: e-mail (NCMEC requires it).")
    reporter_phone: str | None = Field(None, description="CyberTipline reporting person: phone.")
    reporter_company: str | None = Field(None, description="Company name, first line of every report's companyTemplate.")
    reporter_company_template: str | None = Field(
        None, description="Boilerplate for every report (how to serve legal process, retention, 24-hour contact)."
    )
    reporter_terms_of_service: str | None = Field(None, description="Terms of service text or URL sent with reports.")
    reporter_legal_url: str | None = Field(None, description="URL of the platform's law-enforcement guidelines.")
    reporter_platform: str | None = Field(None, description="Platform (application) name sent as incidentSummary/platform.")
    report_requires_second_approval: bool = Field(
        False, description="Require a second person with report:submit to approve a CyberTipline draft before submission."
    )

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment != "production":
            return self
        if self.bank_hmac_key == DEV_BANK_KEY:
            raise ValueError("ADWARDEN_BANK_HMAC_KEY must be set to a secret in production")
        if len(self.bank_hmac_key.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"ADWARDEN_BANK_HMAC_KEY must be at least {MIN_SECRET_BYTES} bytes in production")
        short = [spec.partition(":")[0] for key, spec in self.api_keys.items() if len(key.encode()) < MIN_SECRET_BYTES]
        if short:
            raise ValueError(f"ADWARDEN_API_KEYS: the keys of {', '.join(short)} are under {MIN_SECRET_BYTES} bytes "
                             "(use `adwarden keys create`)")
        if self.legal_signing_key_path is None and not self.legal_signing_key:
            raise ValueError("ADWARDEN_LEGAL_SIGNING_KEY_PATH must name the evidence signing key in production")
        if self.legal_signing_key_path is not None:
            try:
                mode = self.legal_signing_key_path.stat().st_mode
            except OSError as exc:
                raise ValueError(f"ADWARDEN_LEGAL_SIGNING_KEY_PATH: cannot read {self.legal_signing_key_path}: "
                                 f"{exc.strerror}") from None
            if mode & 0o077:
                raise ValueError(f"ADWARDEN_LEGAL_SIGNING_KEY_PATH: {self.legal_signing_key_path} is readable by "
                                 f"others (mode {mode & 0o777:o}); chmod 600 it")
        return self

    def trusted_evidence_keys(self) -> list[str]:
        return [k.strip() for k in self.evidence_trusted_keys.split(",") if k.strip()]

    @property
    def resolved_api_screen_workers(self) -> int:
        """:attr:`api_screen_workers`, or its default: a second core screens while the first writes."""
        if self.api_screen_workers is not None:
            return self.api_screen_workers
        return 0 if self.environment == "test" or (os.cpu_count() or 1) < 2 else 1

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'adwarden.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (plus explicit overrides), turning validation errors into ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_settings_error(exc)) from None
    except SettingsError as exc:  # a value the environment source could not even parse (JSON fields)
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"ADWARDEN_{field.group(1).upper()}" if field else "a setting"
        raise ConfigError(f"invalid settings: {name}: not valid JSON") from None
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from None


def describe_settings_error(exc: ValidationError) -> str:
    """One line naming each bad variable: ``invalid setting ADWARDEN_MAX_BODY_BYTES='abc': Input should be a
    valid integer`` (pydantic's own message spans several lines and names the Python field)."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if loc:
            name = "ADWARDEN_" + loc[0].upper()
            value = err.get("input")
            shown = f"={value!r}" if isinstance(value, str | int | float) and not _secret(loc[0]) else ""
            parts.append(f"{name}{shown}: {message}")
        else:
            parts.append(message)
    return "invalid settings: " + "; ".join(parts)


def _secret(field: str) -> bool:
    return any(word in field for word in ("key", "password", "secret"))
