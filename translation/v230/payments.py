"""Payments (mod_payments.asciidoc): Terminal and FinancialAdviceConfirmation, a module only 2.3.0 has. Between the
same version nothing is translated; towards or from another version there is nothing to translate into: refused.
(translation.kinds names no kind for the module, as for the other modules one version lacks.)
"""

from __future__ import annotations

from translation.fields import only_in

terminal = only_in("a Payments Terminal", "2.3.0")
financial_advice_confirmation = only_in("a Payments FinancialAdviceConfirmation", "2.3.0")
