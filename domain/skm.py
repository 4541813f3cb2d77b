"""The community satisfaction index (SKM, PermenPANRB 14/2017), computed exactly.

Per element, the average score over respondents (NRR, 1-4); weighted by the element's
weight; the index is their sum (1-4) and the converted index is the index times 25
(25-100). Arithmetic is on fractions, so a band edge such as 88.31 is graded exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from domain.errors import RuleViolationError

MIN_SCORE, MAX_SCORE = 1, 4

GradeBands = tuple[tuple[Fraction, str, str], ...]  # (lower bound, grade, meaning), falling

# Half-open bands on the converted index (PermenPANRB 14/2017): [88.31, 100] A,
# [76.61, 88.31) B, [65.00, 76.61) C, [25.00, 65.00) D. The printed tables' rounding gaps
# fall inside them.
GRADE_BANDS_2017: GradeBands = (
    (Fraction("88.31"), "A", "sangat baik"),
    (Fraction("76.61"), "B", "baik"),
    (Fraction("65.00"), "C", "kurang baik"),
    (Fraction("25.00"), "D", "tidak baik"),
)
# The same for KEP/25/M.PAN/2/2004, whose table cuts the converted index at 43.75, 62.50
# and 81.25: [81.26, 100] A, [62.51, 81.26) B, [43.76, 62.51) C, [25.00, 43.76) D.
GRADE_BANDS_2004: GradeBands = (
    (Fraction("81.26"), "A", "sangat baik"),
    (Fraction("62.51"), "B", "baik"),
    (Fraction("43.76"), "C", "kurang baik"),
    (Fraction("25.00"), "D", "tidak baik"),
)
# Configured weights are decimals, and 1/9 or 1/14 has none exact: how far from 1 their sum
# may be before they are scaled to sum to exactly 1.
WEIGHT_SUM_TOLERANCE = Fraction(1, 1000)


@dataclass(frozen=True)
class ElementSet:
    """The survey's elements, their weights (which must sum to 1), and the grade bands of
    the regulation that defines them."""

    name: str
    elements: tuple[str, ...]
    weights: tuple[Fraction, ...]
    grade_bands: GradeBands = GRADE_BANDS_2017

    @classmethod
    def equally_weighted(
        cls, name: str, elements: Sequence[str], grade_bands: GradeBands
    ) -> ElementSet:
        weights = tuple(Fraction(1, len(elements)) for _ in elements)
        return cls(name, tuple(elements), weights, grade_bands)

    def reweighted(self, weights: Sequence[Fraction]) -> ElementSet:
        """These elements with ``weights``: one per element, each above 0, summing to 1
        within ``WEIGHT_SUM_TOLERANCE``; scaled to sum to exactly 1."""
        if len(weights) != len(self.elements):
            raise RuleViolationError(
                f"Give one weight per element of {self.name}: {len(self.elements)} weights, "
                f"not {len(weights)}.",
                field="weights",
            )
        if any(weight <= 0 for weight in weights):
            raise RuleViolationError("Every weight is above 0.", field="weights")
        total = sum(weights, Fraction(0))
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            raise RuleViolationError(
                f"The weights sum to {float(total)}; they must sum to 1 (within "
                f"{float(WEIGHT_SUM_TOLERANCE)}).",
                field="weights",
            )
        scaled = tuple(weight / total for weight in weights)
        return ElementSet(self.name, self.elements, scaled, self.grade_bands)

    def __post_init__(self) -> None:
        if len(self.elements) != len(self.weights) or not self.elements:
            raise RuleViolationError("Every element needs exactly one weight.", field="weights")
        if sum(self.weights) != 1:
            raise RuleViolationError("The element weights must sum to 1.", field="weights")


SKM_2017 = ElementSet.equally_weighted(
    "permenpanrb-14-2017",
    (
        "persyaratan", "sistem_mekanisme_prosedur", "waktu_penyelesaian", "biaya_tarif",
        "produk_spesifikasi_jenis_pelayanan", "kompetensi_pelaksana", "perilaku_pelaksana",
        "penanganan_pengaduan_saran_masukan", "sarana_prasarana",
    ),
    GRADE_BANDS_2017,
)  # fmt: skip
IKM_2004 = ElementSet.equally_weighted(
    "kep-25-m-pan-2-2004",
    (
        "prosedur", "persyaratan", "kejelasan_petugas", "kedisiplinan_petugas",
        "tanggung_jawab_petugas", "kemampuan_petugas", "kecepatan_pelayanan",
        "keadilan_mendapatkan_pelayanan", "kesopanan_keramahan_petugas", "kewajaran_biaya",
        "kepastian_biaya", "kepastian_jadwal", "kenyamanan_lingkungan", "keamanan_pelayanan",
    ),
    GRADE_BANDS_2004,
)  # fmt: skip
ELEMENT_SETS = {element_set.name: element_set for element_set in (SKM_2017, IKM_2004)}


@dataclass(frozen=True)
class SkmResult:
    responses: int
    element_averages: tuple[Fraction, ...]
    index: Fraction
    converted_index: Fraction
    grade: str
    grade_meaning: str


def check_scores(element_set: ElementSet, scores: Sequence[int]) -> None:
    if len(scores) != len(element_set.elements):
        raise RuleViolationError(
            f"Give one score per element: {len(element_set.elements)} scores.", field="scores"
        )
    if any(not MIN_SCORE <= score <= MAX_SCORE for score in scores):
        raise RuleViolationError("Every score is 1 to 4.", field="scores")


def skm_index(element_set: ElementSet, responses: Sequence[Sequence[int]]) -> SkmResult | None:
    """The index of these responses; None when there are none."""
    if not responses:
        return None
    for scores in responses:
        check_scores(element_set, scores)
    count = len(responses)
    averages = tuple(
        Fraction(sum(scores[i] for scores in responses), count)
        for i in range(len(element_set.elements))
    )
    index = sum(
        (nrr * w for nrr, w in zip(averages, element_set.weights, strict=True)), Fraction(0)
    )
    converted = index * 25
    grade, meaning = grade_of(converted, element_set.grade_bands)
    return SkmResult(count, averages, index, converted, grade, meaning)


def grade_of(converted_index: Fraction, bands: GradeBands = GRADE_BANDS_2017) -> tuple[str, str]:
    for lower_bound, grade, meaning in bands:
        if converted_index >= lower_bound:
            return grade, meaning
    return bands[-1][1], bands[-1][2]


def krejcie_morgan_sample(population: int) -> int:
    """Respondents needed for ``population`` service users (chi-square 3.841, P 0.5, d 0.05)."""
    if population <= 0:
        return 0
    chi_square, share, margin = 3.841, 0.5, 0.05
    spread = chi_square * share * (1 - share)
    return math.ceil(chi_square * population * share * (1 - share)
                     / (margin**2 * (population - 1) + spread))  # fmt: skip
