"""The scan report: an HTML template, its CSS and inline SVG charts (:func:`render.render_report`)."""
