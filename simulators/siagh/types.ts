// Record shapes of the simulated Siagh, as its API returns them (see APIS.md and ASSUMPTIONS.md).

export interface SiaghContact {
  RecordId: number;
  Code: number;
  /** The CRM customer number without its "100-" prefix; the natural key between the systems. */
  tmpid: string | null;
  Name: string;
  NickName: string | null;
  FirstName: string | null;
  LastName: string | null;
  NationalCode: string | null;
  EconomicCode: string | null;
  RegisterNo: string | null;
  MobileNo: string | null;
  TelNo: string | null;
  Fax: string | null;
  Email: string | null;
  Address: string | null;
  PostalCode: string | null;
  CityCode: number | null;
  CountryCode: number | null;
  Description: string | null;
  IsActive: boolean;
  IsAdminUser: boolean;
  /** false: person, true: organization. */
  TowardType: boolean;
  BranchCode: number;
}

export interface PreInvoiceRow {
  Radif: number;
  CodeKala: string;
  NameUnit: string | null;
  Qty: number;
  Price: number;
  MabTakhfif: number;
  Vazn: number;
  Hajm: number;
  /** Qty * Price - MabTakhfif. */
  Mablagh: number;
}

export interface PreInvoice {
  SanadId: number;
  /** The document number returned in ReturnCode and in the FinalMessages text. */
  ShomareSanad: number;
  CodeNoeSanad: number;
  NameNoeSanad: string | null;
  CodeSaleModel: number | null;
  SalMali: number;
  CodeNoePardakht: number | null;
  CodeMoshtari: number;
  Tozihat: string | null;
  /** Jalali date of the document, "1404/09/04". */
  Tarikh: string;
  Suid: string | null;
  /** A finalized document refuses edits (set through the admin API). */
  Finalized: boolean;
  MablaghKol: number;
  Rows: PreInvoiceRow[];
}
