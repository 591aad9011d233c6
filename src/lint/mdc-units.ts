/**
 * IEEE 11073 (MDC) units of measure and their UCUM equivalents.
 *
 * Device feeds (IHE PCD-01, gateways of bedside monitors, ventilators, pumps) send OBX-6 in the
 * ISO/IEEE 11073-10101 nomenclature instead of UCUM: the reference id (`MDC_DIM_PERCENT`) in
 * OBX-6.1, or the numeric code with the coding system `MDC` (HL7 table 0396) in OBX-6.3, as in
 * `262688^MDC_DIM_PERCENT^MDC`. Units are partition 4 (dimensions) of 11073-10101: the 32-bit
 * context-free code is 4 * 65536 + the 16-bit term code (262688 = 262144 + 544), and the term
 * code of a prefixed unit is its base code plus the prefix index of 10101 table A.6.1
 * (k = 3, h = 2, d = 16, c = 17, m = 18, u = 19): MDC_DIM_KILO_G = 1728 + 3.
 *
 * The table is golive's own list of the units device feeds commonly send, with the UCUM unit
 * the Rosetta Terminology Mapping (RTMMS) and the HL7 FHIR vital-signs value sets use for each.
 * Term codes are from 11073-10101 Annex A (units table A.6.3). A code not listed here is
 * reported as having no UCUM mapping known to golive, never guessed.
 */

/** One MDC unit: its reference id, its 32-bit code and the UCUM unit with the same meaning. */
export interface MdcUnit {
  refid: string;
  code: number;
  ucum: string;
}

/** Partition 4 (dimensions) of ISO/IEEE 11073-10101: code = 4 << 16 | term code. */
const DIM_PARTITION = 4 * 65536;

// [term code, reference id, UCUM]. Reference ids are written with `X_` for "no decimal prefix",
// as 10101 does; the same id without it (MDC_DIM_L_PER_MIN) is accepted too (see lookup).
const TABLE: readonly (readonly [number, string, string])[] = [
  // Dimensionless
  [512, 'MDC_DIM_DIMLESS', '1'],
  [544, 'MDC_DIM_PERCENT', '%'],
  [576, 'MDC_DIM_PARTS_PER_10_TO_3', '[ppth]'],
  [608, 'MDC_DIM_PARTS_PER_10_TO_6', '[ppm]'],
  [736, 'MDC_DIM_ANG_DEG', 'deg'],
  [992, 'MDC_DIM_PH', '[pH]'],
  // Length, area, volume
  [1280, 'MDC_DIM_X_M', 'm'],
  [1297, 'MDC_DIM_CENTI_M', 'cm'],
  [1298, 'MDC_DIM_MILLI_M', 'mm'],
  [1299, 'MDC_DIM_MICRO_M', 'um'],
  [1344, 'MDC_DIM_X_FOOT', '[ft_i]'],
  [1376, 'MDC_DIM_X_INCH', '[in_i]'],
  [1472, 'MDC_DIM_SQ_X_M', 'm2'],
  [1600, 'MDC_DIM_X_L', 'L'],
  [1618, 'MDC_DIM_MILLI_L', 'mL'],
  // Mass and mass per area
  [1728, 'MDC_DIM_X_G', 'g'],
  [1731, 'MDC_DIM_KILO_G', 'kg'],
  [1746, 'MDC_DIM_MILLI_G', 'mg'],
  [1747, 'MDC_DIM_MICRO_G', 'ug'],
  [1760, 'MDC_DIM_LB', '[lb_av]'],
  [1760, 'MDC_DIM_X_LB', '[lb_av]'],
  [1792, 'MDC_DIM_X_OZ', '[oz_av]'],
  [1952, 'MDC_DIM_KG_PER_M_SQ', 'kg/m2'],
  // Concentration
  [2048, 'MDC_DIM_X_G_PER_L', 'g/L'],
  [2112, 'MDC_DIM_X_G_PER_DL', 'g/dL'],
  [2130, 'MDC_DIM_MILLI_G_PER_DL', 'mg/dL'],
  [4722, 'MDC_DIM_MILLI_MOLE_PER_L', 'mmol/L'],
  [4723, 'MDC_DIM_MICRO_MOLE_PER_L', 'umol/L'],
  [4850, 'MDC_DIM_MILLI_EQUIV_PER_L', 'meq/L'],
  // Time
  [2176, 'MDC_DIM_SEC', 's'],
  [2194, 'MDC_DIM_MILLI_SEC', 'ms'],
  [2208, 'MDC_DIM_MIN', 'min'],
  [2240, 'MDC_DIM_HR', 'h'],
  [2272, 'MDC_DIM_DAY', 'd'],
  [2368, 'MDC_DIM_YR', 'a'],
  // Rates: beats, pulses and breaths are counts per minute (UCUM /min; RTMMS also lists the
  // annotated {beat}/min and {breath}/min, which UCUM reads as the same unit).
  [2496, 'MDC_DIM_HZ', 'Hz'],
  [2528, 'MDC_DIM_PER_MIN', '/min'],
  [2720, 'MDC_DIM_BEAT_PER_MIN', '/min'],
  [2752, 'MDC_DIM_PULS_PER_MIN', '/min'],
  [2784, 'MDC_DIM_RESP_PER_MIN', '/min'],
  // Velocity and flow
  [2816, 'MDC_DIM_X_M_PER_SEC', 'm/s'],
  [2848, 'MDC_DIM_X_L_PER_MIN_PER_M_SQ', 'L/min/m2'],
  [3040, 'MDC_DIM_X_L_PER_SEC', 'L/s'],
  [3072, 'MDC_DIM_X_L_PER_MIN', 'L/min'],
  [3090, 'MDC_DIM_MILLI_L_PER_MIN', 'mL/min'],
  [3104, 'MDC_DIM_X_L_PER_HR', 'L/h'],
  [3122, 'MDC_DIM_MILLI_L_PER_HR', 'mL/h'],
  [3154, 'MDC_DIM_MILLI_L_PER_DAY', 'mL/d'],
  [3186, 'MDC_DIM_MILLI_L_PER_KG', 'mL/kg'],
  // Pressure
  [3840, 'MDC_DIM_X_PASCAL', 'Pa'],
  [3842, 'MDC_DIM_HECTO_PASCAL', 'hPa'],
  [3843, 'MDC_DIM_KILO_PASCAL', 'kPa'],
  [3872, 'MDC_DIM_MMHG', 'mm[Hg]'],
  [3904, 'MDC_DIM_CM_H2O', 'cm[H2O]'],
  [3954, 'MDC_DIM_MILLI_BAR', 'mbar'],
  // Energy, power, electrical
  [3968, 'MDC_DIM_X_JOULES', 'J'],
  [4032, 'MDC_DIM_X_WATT', 'W'],
  [4256, 'MDC_DIM_X_VOLT', 'V'],
  [4274, 'MDC_DIM_MILLI_VOLT', 'mV'],
  [4275, 'MDC_DIM_MICRO_VOLT', 'uV'],
  [4288, 'MDC_DIM_X_OHM', 'Ohm'],
  [4291, 'MDC_DIM_KILO_OHM', 'kOhm'],
  // Temperature
  [4384, 'MDC_DIM_KELVIN', 'K'],
  [4416, 'MDC_DIM_FAHR', '[degF]'],
  [6048, 'MDC_DIM_DEGC', 'Cel'],
  // International units
  [5472, 'MDC_DIM_X_INTL_UNIT', '[iU]'],
];

const byRefid = new Map<string, MdcUnit>();
const byTerm = new Map<number, MdcUnit>();
for (const [term, refid, ucum] of TABLE) {
  const unit: MdcUnit = { refid, code: DIM_PARTITION + term, ucum };
  byRefid.set(refid, unit);
  // MDC_DIM_X_L_PER_MIN is also written MDC_DIM_L_PER_MIN (the X_ marks "no prefix").
  if (refid.startsWith('MDC_DIM_X_')) byRefid.set(`MDC_DIM_${refid.slice(10)}`, unit);
  if (!byTerm.has(term)) byTerm.set(term, unit);
}

/** Every unit of the table, for docs and tests. */
export function mdcUnits(): MdcUnit[] {
  return TABLE.map(([term, refid, ucum]) => ({ refid, code: DIM_PARTITION + term, ucum }));
}

/** An MDC unit golive has no UCUM equivalent for (the text as sent is kept for the message). */
export const UNKNOWN_MDC = 'unknown' as const;

/** HL7 table 0396: `MDC` names ISO/IEEE 11073-10101. */
export function isMdcSystem(system: string | undefined): boolean {
  return system === 'MDC';
}

/**
 * What an OBX-6 unit is in 11073 terms: the MDC unit, `UNKNOWN_MDC` for an MDC code golive
 * cannot map, or undefined when the unit is not an MDC code at all (then it is checked as
 * UCUM). `unit` is OBX-6.1 (trimmed), `system` OBX-6.3, `text` OBX-6.2 (IHE PCD-01 writes the
 * reference id there beside a numeric code). Called for every unit: the first character
 * decides without any lookup for the common case.
 */
export function mdcUnitOf(
  unit: string,
  system: string | undefined,
  text?: string,
): MdcUnit | typeof UNKNOWN_MDC | undefined {
  const c = unit.charCodeAt(0);
  if (c === 77 /* M */ && unit.startsWith('MDC_')) return byRefid.get(unit) ?? UNKNOWN_MDC;
  if (!isMdcSystem(system)) return undefined;
  if (c >= 48 && c <= 57 && /^\d+$/.test(unit)) {
    const n = Number(unit);
    // A 32-bit code of partition 4, or a bare 16-bit term code (the Unit-Code attribute of
    // IEEE 11073-20601 is a term code of the dimension partition).
    const term = n >= DIM_PARTITION && n < DIM_PARTITION + 65536 ? n - DIM_PARTITION : n;
    const hit = n < 65536 || term !== n ? byTerm.get(term) : undefined;
    if (hit) return hit;
  }
  if (text?.startsWith('MDC_')) return byRefid.get(text) ?? UNKNOWN_MDC;
  return UNKNOWN_MDC;
}

/** The UCUM unit of an MDC reference id (for comparing units across messages), else the unit. */
export function ucumOfRefid(unit: string): string {
  if (unit.charCodeAt(0) !== 77 || !unit.startsWith('MDC_')) return unit;
  return byRefid.get(unit)?.ucum ?? unit;
}
