"""The codes NeoCare's FHIR interface reads and writes, in one place (issue #16).

LOINC codes with their long common names as LOINC publishes them (the LOINC database,
https://loinc.org/<code>/, version 2.78; 1975-2 and 14631-6 are also the codes of the FHIR R4
specification's own bilirubin examples). UCUM units as the UCUM specification writes them
(https://ucum.org/ucum): `mg/dL` and `umol/L`.

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
            "Transcutaneous Bilirubin",
            Reading.Method.TCB_CLINIC,
            Unit.MG_DL,
            "exam",
        ),
    )
}
# A transcutaneous meter may report µmol/L (China's meters do): the same code, either unit.
TCB_UNITS = {Unit.MG_DL, Unit.UMOL_L}
UCUM_CODE = {Unit.MG_DL: "mg/dL", Unit.UMOL_L: "umol/L"}
FROM_UCUM = {code: unit for unit, code in UCUM_CODE.items()}
