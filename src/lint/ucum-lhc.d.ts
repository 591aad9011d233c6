// Minimal types for @lhncbc/ucum-lhc 7.1 (the package ships none): only what golive calls.
declare module '@lhncbc/ucum-lhc' {
  export interface ValidateResult {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    msg: string[];
    unit?: { code: string; name: string; guidance: string | null };
  }
  export interface ConvertResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  export interface UcumLhcUtils {
    validateUnitString(unit: string, suggest?: boolean, valConv?: string): ValidateResult;
    convertUnitTo(
      fromUnit: string,
      fromVal: number,
      toUnit: string,
      options?: { suggest?: boolean; molecularWeight?: number },
    ): ConvertResult;
  }
  const ucum: { UcumLhcUtils: { getInstance(): UcumLhcUtils } };
  export default ucum;
}
