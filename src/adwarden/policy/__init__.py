"""Policy: a validated data file that turns evidence into an explained verdict.

>>> from adwarden.policy import evaluate, load_policy
>>> policy = load_policy()          # the packaged default policy
>>> evaluate(policy, []).action.value
'allow'
"""

from adwarden.detect.vocabulary import NETWORK_FACTS, DetectorVocabulary, Vocabulary
from adwarden.domain import PolicyError
from adwarden.policy.engine import evaluate
from adwarden.policy.loader import default_policy_text, load_policy, parse_policy
from adwarden.policy.model import Policy, Queue, Rule, Scoring

__all__ = [
    "NETWORK_FACTS",
    "DetectorVocabulary",
    "Policy",
    "PolicyError",
    "Queue",
    "Rule",
    "Scoring",
    "Vocabulary",
    "default_policy_text",
    "evaluate",
    "load_policy",
    "parse_policy",
]
