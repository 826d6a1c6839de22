"""Documents AdWarden hands to people outside it (CyberTips, IC3 packages, evidence packages).

Their text is written by whoever posted the ad, so every builder goes through the same three guards here:
:mod:`.xmltext` (no character can make the XML invalid), :mod:`.pdf` (one Unicode-safe PDF renderer) and
:mod:`.filenames` (one file-name sanitizer).
"""
