// Siagh's SaveFormData answer. Failures are HTTP 200 with ReturnValue:false: a client that only
// checks the status code treats a refused write as saved.

export interface FormError {
  ColName: string;
  ErrorType: 'ErrSuccs' | 'ErrError';
  Description: string;
  ErrorCode: number;
}

export interface FormResult {
  Errors: FormError[];
  FinalMessages: string[];
  ReturnValue: boolean;
  ReturnCode: string;
  ReturnParams: string;
}

/** Stable error codes of the simulator (documented in ASSUMPTIONS.md). */
export const ErrorCodes = {
  success: 0,
  required: 1001,
  invalidValue: 1002,
  duplicatePhone: 1003,
  notFound: 1004,
  unknownForm: 1005,
  invalidRows: 1006,
  invalidPrice: 1007,
  invalidQty: 1008,
  unknownCustomer: 1009,
  finalized: 1010,
  fiscalYear: 1011,
} as const;

export function formError(ColName: string, ErrorCode: number, Description: string): FormError {
  return { ColName, ErrorType: 'ErrError', Description, ErrorCode };
}

export function failed(errors: FormError[]): FormResult {
  return { Errors: errors, FinalMessages: [], ReturnValue: false, ReturnCode: '', ReturnParams: '' };
}

export function succeeded(code: string | number, message: string): FormResult {
  return {
    Errors: [{ ColName: '', ErrorType: 'ErrSuccs', Description: message, ErrorCode: ErrorCodes.success }],
    FinalMessages: [message],
    ReturnValue: true,
    ReturnCode: String(code),
    ReturnParams: `CodeMain=${code}`,
  };
}
