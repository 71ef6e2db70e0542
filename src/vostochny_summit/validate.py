"""`from vostochny_summit.validate import validate, report, Problem` keeps working: the checks live in the
validation package (vostochny_summit.validation)."""

from .validation import Problem, report, validate  # noqa: F401
