"""The codes NeoCare's FHIR interface reads and writes, in one place (issue #16).

LOINC codes with their long common names, each checked against a LOINC source:
- 1975-2: the expansion by tx.fhir.org from LOINC 2.82 (the "Total Bilirubin Lab Tests"
  ValueSet of the dQM CMS Content IG,
  https://build.fhir.org/ig/cqframework/dqm-content-cms-2026/ValueSet-total-bilirubin.html).
- 14631-6 (and 1975-2 again): NLM VSAC's expansion of the "Bilirubin lab test" value set,
  OID 2.16.840.1.113762.1.4.1248.223, eCQM Update 2025-05-08.
- 58941-6: Regenstrief's term page https://loinc.org/58941-6/ (LOINC 2.71): long common name
  "Bilirubin [Mass/volume] in Skin", short name "Bilirub Skin-mCnc", method transcutaneous
  meter. Its property is a mass concentration.
UCUM units as the UCUM specification writes them (https://ucum.org/ucum): `mg/dL` and `umol/L`.

Each accepted code says what NeoCare stores: the reading's method and the unit the value must
carry (a serum value in µmol/L under the mass-concentration code is refused, not converted).
"""

from dataclasses import dataclass

from neocare.infants.models import Reading
from risk_model.units import Unit

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# NeoCare's own identifiers: the infant's public id (Patient.id) and the reading's.
NEOCARE_PATIENT = "urn:neocare:patient"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


@dataclass(frozen=True)
class BilirubinCode:
    code: str
    display: str
    method: str  # Reading.Method
    unit: Unit  # the UCUM unit the value must carry
    category: str  # observation-category: laboratory, or exam for a bedside meter


BILIRUBIN = {
    c.code: c
    for c in (
        BilirubinCode(
            "1975-2",
            "Bilirubin.total [Mass/volume] in Serum or Plasma",
            Reading.Method.TSB_LAB,
            Unit.MG_DL,
            "laboratory",
        ),
        BilirubinCode(
            "14631-6",
            "Bilirubin.total [Moles/volume] in Serum or Plasma",
            Reading.Method.TSB_LAB,
            Unit.UMOL_L,
            "laboratory",
        ),
        BilirubinCode(
            "58941-6",
            "Bilirubin [Mass/volume] in Skin",
            Reading.Method.TCB_CLINIC,
            Unit.MG_DL,
            "exam",
        ),
    )
}
# A transcutaneous meter may report µmol/L (China's meters do) and LOINC has no substance-
# concentration code for skin that we know of: such a value is accepted under 58941-6 and
# converted, and goes out in mg/dL, the code's own property (a choice to agree with hospitals).
TCB_UNITS = {Unit.MG_DL, Unit.UMOL_L}
UCUM_CODE = {Unit.MG_DL: "mg/dL", Unit.UMOL_L: "umol/L"}
FROM_UCUM = {code: unit for unit, code in UCUM_CODE.items()}
