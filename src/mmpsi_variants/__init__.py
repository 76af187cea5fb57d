"""mmpsi-variants: find and explain the genetic cause of EIMFS (MMPSI) in sequencing data.

For research use only; not for clinical decision-making without independent confirmation.
"""

__version__ = "0.1.0"
