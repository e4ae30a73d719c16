"""Problems a user can fix, as opposed to bugs in sitegen (which stay tracebacks)."""
from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's input, pointing at a file and, when known, a line."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class SiteError(Exception):
    """Raised by a stage when the user's input has problems; carries all of them."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # raised in a worker process, it must reach the parent with its problems
        return SiteError, (self.problems,)


def format_problems(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    """The lines to print for a list of problems, capped so a broken archive stays readable."""
    lines = [str(p) for p in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        lines.append(f"… and {len(problems) - MAX_SHOWN} more problems")
    return lines
