"""The law-enforcement desk: legal process intake, deadlines, preservation holds, evidence packages.

The pure parts (:mod:`.model`, :mod:`.deadlines`, :mod:`.package`, :mod:`.signing`, :mod:`.transparency`)
take values and return values so they can be tested without a database; :mod:`.service`, :mod:`.holds` and
:mod:`.retention` are the storage-backed edge that the CLI and API call.
"""
