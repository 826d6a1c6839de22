"""The catalogue of audit events: every name an audit event may carry, with what it means.

One static list, read by the writer (an undeclared name is refused) and by ``docs/audit.md``'s test. Why static:
events declared at import time made the set of valid events depend on which modules a process happened to
import. A new area adds its events here, in its own section.
"""

from __future__ import annotations

#: name -> help text.
AUDIT_EVENTS: dict[str, str] = {
    # spine
    "post-accepted": "A new post was stored (its first version).",
    "post-version-added": "An existing post changed: a new version was stored, the old ones kept.",
    "post-reverted": "A post's content went back to an earlier version's: the current version moved back.",
    "post-assessed": "A post version was screened and a verdict stored.",
    "case-opened": "A case was opened for a post at or above the review threshold.",
    "case-updated": "An open case's risk, queue or priority changed after re-assessment.",
    "case-closed": "A case was closed.",
    "decision-recorded": "A reviewer recorded a decision on a case.",
    # legal/holds.py
    "hold-placed": "A preservation hold was placed; its payload counts the frozen items by type.",
    "hold-released": "A preservation hold was released explicitly, with the reason.",
    "hold-extended": "A preservation hold's expiry was extended (e.g. a renewed §2703(f) request).",
    # legal/retention.py
    "retention-purged": "Posts past retention were deleted (ids listed; held posts are never purged).",
    # legal/service.py
    "legal-request-received": "A legal process request was recorded, with its targets and matches.",
    "legal-request-transitioned": "A legal request moved to another workflow status.",
    "legal-emergency-verified": "One emergency-request check (domain, call-back, supervisor) was recorded.",
    "legal-document-attached": "A document (the served process, correspondence) was attached to a request.",
    "legal-preservation-renewed": "A §2703(f) preservation was renewed for another 90 days.",
    "legal-production-sent": "An evidence package was produced: recipient, authority, manifest hash.",
    # network_service.py
    "networks-built": "Networks of linked posts were rebuilt from storage (payload: posts, networks, options).",
    # reporting/service.py
    "report-drafted": "A CyberTipline report was drafted from a case (payload: fingerprint, missing, warnings).",
    "report-approved": "A second reviewer approved a CyberTipline draft for submission.",
    "report-submission-started": "Submission of a CyberTipline report to NCMEC started (or resumed).",
    "report-submission-failed": "A CyberTipline submission stopped with NCMEC's code and description; the draft is kept.",
    "report-filed": "NCMEC finished a CyberTipline report: it is a CyberTip; a 1-year preservation hold was placed.",
    "report-retracted": "An unfinished CyberTipline report was retracted at NCMEC.",
    "ic3-package-built": "An IC3 complaint package was built for a case (payload: SHA-256 of the ZIP).",
    # retro/banks.py
    "bank-created": "A bank of known-bad signals was created (name, labels).",
    "bank-entries-imported": "Entries were imported into a bank (file digest, format, counts, rescan job).",
    "bank-updated": "A bank was enabled, disabled or relabelled.",
    # retro/policies.py
    "policy-activated": "A policy file was activated (version, digest, source, rescan job).",
    # retro/rescan.py
    "rescan-queued": "A rescan job was queued (trigger, reason, number of target posts).",
    "rescan-finished": "A rescan job finished (posts re-assessed, verdicts changed).",
    # retro/rescreen_export.py, retro/rescreen_load.py
    "rescan-exported": "Stored history was exported to Parquet for a Spark re-screen (who, where, how many posts).",
    "rescan-loaded": "Verdicts re-screened by Spark were loaded through a rescan job (job, stored, edited since export and re-screened here, gone).",
    # identities/keys.py, identities/secrets_check.py (trust)
    "api-key-created": "An API key was created for an actor with roles (payload: actor, roles, expiry; never the key).",
    "api-key-expired": "An API key's expiry was set (it stops working at that time).",
    "api-key-revoked": "An API key was revoked: it stopped working at once.",
    "secret-fingerprint-recorded": "The keyed fingerprint of a deployment secret (the bank HMAC key) was recorded.",
    "secret-fingerprint-forgotten": "A secret's recorded fingerprint was dropped, before re-keying the banks.",
    # console (issue 12)
    "console-user-created": "A console user was created with its roles (the password hash is never logged).",
    "console-user-changed": "A console user's roles, password or enabled state changed (which, not the password).",
    "console-signed-in": "A console user signed in: a new session was issued (the old one, if any, revoked).",
    "console-signed-out": "A console user signed out, or the session was revoked.",
    "media-revealed": "A reviewer revealed one blurred media item of a post (post, version, position, queue).",
    "case-comment-added": "A reviewer added a comment to a case for other reviewers.",
    "console-preferences-changed": "A console user changed their wellness preferences (blur, greyscale, re-blur).",
    # models_service.py (the reviewer-trained classifier)
    "model-trained": "A classifier model was trained from reviewer decisions and stored in shadow (digest, examples, labels).",
    "model-evaluated": "A classifier model was evaluated on examples it was not trained on, beside the promoted model.",
    "model-promoted": "A classifier model became the live classifier detector (evaluation cited, previous model, rescan job).",
    "model-retired": "A classifier model stopped being used (replaced, or retired by an operator with a reason).",
    # review loop (issue 11): review/claims.py, decisions.py, enforcement.py, flags.py, appeals.py, cases.py
    "case-claimed": "A reviewer claimed a case (a lease; payload: expiry, how: next or direct).",
    "case-lease-renewed": "The holder of a claim extended its lease.",
    "case-released": "A claim was given back; the case returned to its queue.",
    "case-lease-expired": "A claim's lease had expired when someone else took the case (payload: old holder).",
    "case-reassigned": "A lead handed a case to another reviewer (payload: from, to).",
    "case-reopened": "A closed case was reopened, with the reason; its SLA clock restarted.",
    "case-new-evidence": "A re-assessment found new evidence on a case a reviewer closed; the case stayed closed.",
    "decision-superseded": "A later decision on the post superseded this one; both are kept.",
    "enforcement-changed": "A decision changed a post's enforcement state (payload: state, decision, action event).",
    "account-enforcement-changed": "A decision suspended, banned or reinstated an account.",
    "flag-received": "A user's flag on a post was stored (payload: reason, reporter, trust, weight, effect).",
    "appeal-opened": "A poster's appeal opened an appeal case against a standing decision.",
    "appeal-decided": "An appeal was upheld or overturned by a reviewer other than the decider.",
    # actions/ (issue 11)
    "webhook-endpoint-registered": "A webhook endpoint was registered for a site (the secret is never logged).",
    "webhook-endpoint-changed": "A webhook endpoint was disabled, enabled or had its secret rotated.",
    "webhook-deliveries-recorded": "One sender round: the event ids delivered and those that failed (to be retried).",
    "webhook-dead-lettered": "A webhook delivery exhausted its attempts and moved to the dead-letter list.",
    "webhook-replayed": "Deliveries were queued again (from the dead-letter list or by event id).",
}
