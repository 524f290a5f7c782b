"""What every check module shares: the context a check reads and the registry row that names it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from hec_doctor.target import Target
from hec_doctor.models import Options, Outcome


@dataclass
class Context:
    """What a check may read: the target, the options, and facts gathered by earlier checks.

    Attributes:
        target: the destination and its token.
        options: how to check.
        facts: what network checks gathered, keyed by family (``dns``, ``tls``, ``hec``); a later
            check judges these, so each connection is made once.
        resources: open sockets to close when the run ends.
    """

    target: Target
    options: Options
    facts: dict[str, Any] = field(default_factory=dict)
    resources: list[Any] = field(default_factory=list)

    def own(self, resource: Any) -> Any:
        """Register something with a ``close()`` (a socket) to be closed when the run ends,
        whether or not a later check consumed it."""
        self.resources.append(resource)
        return resource

    def close(self) -> None:
        while self.resources:
            try:
                self.resources.pop().close()
            except OSError:
                pass


@dataclass(frozen=True)
class CheckSpec:
    """One row of the registry.

    Attributes:
        id: the stable dotted id (``dest.port``), public interface.
        title: short human name.
        run: the check: a function of the context returning an Outcome.
        requires: ids of checks that must pass (or warn) first; otherwise this one is skipped.
        live: True when the check touches the network (skipped with ``--offline``).
    """

    id: str
    title: str
    run: Callable[[Context], Outcome]
    requires: tuple[str, ...] = ()
    live: bool = False
