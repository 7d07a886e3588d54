"""Country codes and names, looked up in pycountry (ISO 3166-1), never typed by hand."""

from dataclasses import asdict, dataclass
from typing import Any

import pycountry


@dataclass(frozen=True)
class CountryEntry:
    iso3: str
    iso2: str
    name: str
    official_name: str | None

    def fields(self) -> dict[str, Any]:
        """The entry as keyword arguments, e.g. for the country table's row."""
        return asdict(self)


def lookup_country(iso3: str) -> CountryEntry | None:
    """The ISO 3166-1 entry for an alpha-3 code, or None when the code is not assigned."""
    if len(iso3) != 3 or not iso3.isascii() or not iso3.isalpha():
        return None
    entry = pycountry.countries.get(alpha_3=iso3.upper())
    if entry is None:
        return None
    return CountryEntry(
        iso3=entry.alpha_3,
        iso2=entry.alpha_2,
        name=entry.name,
        official_name=getattr(entry, "official_name", None),
    )
