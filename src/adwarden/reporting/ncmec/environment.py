"""NCMEC environments: the test endpoint unless production is chosen explicitly.

NCMEC issues separate credentials for its test (``exttest``) and production endpoints. A report sent to
production is a real CyberTip that police will act on, so production is never a default, and the chosen
environment is logged at start-up and stored with every submission.

Example::

    env = NCMECEnvironment.parse(settings.ncmec_environment)   # "test" unless set
    base = resolve_base_url(env, settings.ncmec_url)            # explicit URL wins (e.g. the stand-in)
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from adwarden.domain.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.config import Settings

log = logging.getLogger(__name__)


class NCMECEnvironment(StrEnum):
    TEST = "test"
    PRODUCTION = "production"

    @property
    def base_url(self) -> str:
        return _BASE_URLS[self]

    @classmethod
    def parse(cls, value: str | None) -> NCMECEnvironment:
        """``None`` or empty means TEST; anything else must name an environment exactly."""
        if value is None or not value.strip():
            return cls.TEST
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ConfigError(
                f"ncmec_environment: {value!r} is not an NCMEC environment; use 'test' or 'production'"
            ) from None


_BASE_URLS = {
    NCMECEnvironment.TEST: "https://exttest.cybertip.org/ispws",
    NCMECEnvironment.PRODUCTION: "https://report.cybertip.org/ispws",
}


def resolve_base_url(environment: NCMECEnvironment, override: str | None = None) -> str:
    """The ISPWS base URL to use, logging the choice once so operators see where reports go."""
    url = (override or environment.base_url).rstrip("/")
    if environment is NCMECEnvironment.PRODUCTION:
        log.warning("NCMEC environment: PRODUCTION (%s): reports filed are real CyberTips", url)
    else:
        log.info("NCMEC environment: %s (%s)", environment.value, url)
    return url


_logged_environment: set[str] = set()


def log_environment(settings: Settings) -> None:
    """Say at start-up where reports would go (production loudly); once per process and URL. Called by the
    composition root (:func:`adwarden.runtime.build_runtime`).

    Why here and not in the reporting service: importing that service (IC3 packages, the XSD validator, the
    PDF writer) cost about 0.7 s of CPU in every process's start-up, and most processes never report."""
    env = NCMECEnvironment.parse(settings.ncmec_environment)
    key = f"{env.value}|{settings.ncmec_url}"
    if key not in _logged_environment:
        _logged_environment.add(key)
        resolve_base_url(env, settings.ncmec_url)
