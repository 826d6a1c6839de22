"""The reviewer console: server-rendered pages (Jinja2 + vendored htmx) over the same services as the API.

Mounted by :func:`adwarden.api.app.create_app` at ``/console``. Every page and fragment checks permissions with
:mod:`adwarden.permissions`, exactly as the API does; nothing here re-implements a service.
"""
