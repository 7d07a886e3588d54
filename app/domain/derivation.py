"""Computing derived values: nobody types them, the same code computes them for every writer."""

from app.domain.spec import DerivationIn

Figure = tuple[float, str, str]  # value, unit, qualifier


def derive(derivation: DerivationIn, figures: list[Figure | None]) -> tuple[float, str]:
    """(value, formula) of a derivation from its inputs' figures, in the order of
    `derivation.inputs`; ValueError says why it cannot be computed."""
    if any(f is None for f in figures) or len({f[1] for f in figures if f}) != 1:
        raise ValueError("inputs need known values in one unit")
    (a, _, qa), (b, _, qb) = figures  # type: ignore[misc]
    if {qa, qb} != {"exact"}:
        raise ValueError("inputs must be exact; bounds would need interval arithmetic")
    left, right = derivation.inputs
    if derivation.operation == "difference":
        value, formula = a - b, f"{left} - {right}"
    elif b == 0:
        raise ValueError("division by zero")
    else:
        value, formula = a / b * 100, f"{left} / {right} * 100"
    return round(value, 10), formula
