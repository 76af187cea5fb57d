"""The per-sample document of the filter: the JSON contract's top level, and the notice every
output carries.

The document says what went in (each input's path, size, checksum and version), with which
settings, what was read and dropped, the sample and family checks, and the ranked variants.
"""

from __future__ import annotations

# Every output says this; the reports issue's HTML does too.
DISCLAIMER = (
    "For research use only. Not validated for clinical diagnosis; confirm findings in an "
    "accredited laboratory before any clinical decision."
)
