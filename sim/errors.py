"""The one exception type for bad simulator configuration."""

from __future__ import annotations


class SimConfigError(ValueError):
    """A SimConfig.ini (or a SimConfig built in memory) that cannot be simulated.

    Attributes name where the problem is and what would have been accepted; any of them may be ``None`` when it does
    not apply (a missing section has no key or value). The message is one line, e.g.
    ``SimConfig.ini: [Interface level] ADC_Choice = 12: unknown choice; accepted: -1 (user defined) or 1..9``.
    """

    def __init__(
        self,
        file: str | None,
        section: str | None,
        key: str | None,
        value: object,
        problem: str,
        accepted: str | None = None,
        *,
        line: int | None = None,
    ) -> None:
        self.file = file
        self.section = section
        self.key = key
        self.value = value
        self.problem = problem
        self.accepted = accepted
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.file if self.file is not None else "<config>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.section is not None:
            parts.append(f"[{self.section}]")
        if self.key is not None:
            parts.append(self.key if self.value is None else f"{self.key} = {_show(self.value)}")
        elif self.value is not None:
            parts.append(_show(self.value))
        text = " ".join(parts[1:])
        message = f"{parts[0]}: {text}: {self.problem}" if text else f"{parts[0]}: {self.problem}"
        if self.accepted is not None:
            message += f"; accepted: {self.accepted}"
        return message

    def with_file(self, file: str) -> SimConfigError:
        """A copy of this error that names ``file`` (for errors raised before the file was known)."""
        return SimConfigError(file, self.section, self.key, self.value, self.problem, self.accepted, line=self.line)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.file, self.section, self.key, self.value, self.problem, self.accepted, self.line))


def _rebuild(file: str | None, section: str | None, key: str | None, value: object, problem: str,
             accepted: str | None, line: int | None) -> SimConfigError:
    return SimConfigError(file, section, key, value, problem, accepted, line=line)


def _show(value: object) -> str:
    """A value as the INI would spell it, on one line and not absurdly long."""
    if isinstance(value, tuple):
        text = ",".join(_show(v) for v in value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= 80 else text[:77] + "..."
