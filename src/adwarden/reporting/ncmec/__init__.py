"""NCMEC CyberTipline reporting over the ISPWS protocol.

* :mod:`.model` — the report's input as frozen values (:class:`~.model.ReportCase`).
* :mod:`.build` — one pure function to the ``<report>`` XML, in XSD order; ``<fileDetails>`` too.
* :mod:`.validate` — XSD validation with paths and lines; :mod:`.lint` — missing requirements and quality.
* :mod:`.environment` — test (default) or production; :mod:`.client` — the HTTP client with retries.
* :mod:`.flow` — the pure, resumable submission state machine; :mod:`.submission` drives it.
* :mod:`.standin` — a local stand-in NCMEC server for tests and ``adwarden dev ncmec-server``.
"""
