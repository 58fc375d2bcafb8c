"""The errors loanmath raises.

Every error is a ``ValueError``: loanmath is only ever wrong about its inputs, never about the world,
so a caller can turn any of these into a form error for the borrower or the member of staff.
"""


class LoanMathError(ValueError):
    """Base class for every error raised by loanmath."""


class InvalidInputError(LoanMathError):
    """The inputs cannot describe a real loan (a negative amount, fractions of a cent, zero months...)."""


class NoIrrSolutionError(LoanMathError):
    """The cash flows have no internal rate of return (for example, the borrower never pays anything back)."""
