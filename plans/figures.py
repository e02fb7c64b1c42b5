"""One figure type for every layer: what the registry says (cooperatives.figures), what an area
reports (reporting.entry) and what the rollup adds up (reporting.rollup) — a count, or a ratio
kept as numerator and denominator so that ratios add as Σ numerators ÷ Σ denominators."""
from dataclasses import dataclass
from decimal import Decimal

TWO = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """A rolled-up figure: a count (value) or a ratio (numerator, denominator)."""
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def is_ratio(self):
        return self.numerator is not None or self.denominator is not None

    @property
    def is_empty(self):
        return self.value is None and self.numerator is None and self.denominator is None

    @property
    def percent(self):
        if self.denominator:
            return (Decimal(self.numerator or 0) * 100 / Decimal(self.denominator)).quantize(TWO)
        return None

    def actual(self, is_ratio):
        """The number compared with the target: a count, or a ratio's percentage."""
        if self.is_empty:
            return None
        return self.percent if is_ratio else self.value
