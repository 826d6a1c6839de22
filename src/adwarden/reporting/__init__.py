"""Reports to outside agencies: NCMEC's CyberTipline (:mod:`.ncmec`) and FBI IC3 packages (:mod:`.ic3`).

The builders and validators are pure; the client, the stand-in server and the service are the edges.
See ``docs/reporting.md``.
"""
