"""README's generated tables: the message families ``explain`` knows and the datasets ``job``
knows, each with its source, written from the data itself so the README cannot drift (a test
compares; ``python -m hec_doctor.docs_tables`` prints them)."""

from __future__ import annotations


def message_families() -> str:
    """One row per message class: id, kind, who writes it, where the example comes from."""
    from hec_doctor.message_catalog import CLASSES

    rows = ["| class | kind | written by | example's source |", "|---|---|---|---|"]
    for cls in CLASSES:
        rows.append(f"| `{cls.id}` | {cls.title} | {cls.producer} | {cls.source} |")
    return "\n".join(rows) + "\n"


def datasets() -> str:
    """Every dataset and its scope, and where the list comes from."""
    from hec_doctor import cloudflare as cf

    names = sorted(cf.ZONE_DATASETS | cf.ACCOUNT_DATASETS)
    rows = [f"Source: {cf.DATASETS_SOURCE} ({cf.SOURCES['DOC-datasets']}).", "",
            "| dataset | scope | Zero Trust: PII Read needed |", "|---|---|---|"]
    for name in names:
        scopes = " and ".join(s for s in ("zone", "account")
                              if name in (cf.ZONE_DATASETS if s == "zone" else cf.ACCOUNT_DATASETS))
        rows.append(f"| `{name}` | {scopes} | {'yes' if name in cf.ZERO_TRUST_DATASETS else ''} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(message_families())
    print(datasets())
