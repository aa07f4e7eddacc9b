import { join } from 'node:path';
import { loadSyncConfig } from '../mapping/syncConfig';
import { quoteToPreInvoice, saleModelOf } from '../mapping/preInvoice';
import { parseCtrlValues } from '../mapping/ctrlValues';
import { crmRefusal } from '../crm/refusals';
import { md5UpperHex } from './client';
import { formRefusal } from './formResult';
import { preInvoiceCtrlValues, preInvoiceDataRows } from './preInvoice';

const cfg = loadSyncConfig(join(__dirname, '../../../config/sync.default.yaml')).preInvoice;
const refused = (Description: string, ColName = '') => ({
  ReturnValue: false,
  ReturnCode: '',
  Errors: [{ ColName, ErrorType: 'ErrError', Description, ErrorCode: 1 }],
});

describe('Siagh form answers', () => {
  it('duplicate phone is a permanent typed error keeping the Persian text', () => {
    const e = formRefusal(refused('شماره تلفن نمی تواند تکراری باشد.', 'mobileno'), '2BFDA');
    expect(e?.code).toBe('SIAGH_DUPLICATE_PHONE');
    expect(e?.kind).toBe('permanent');
    expect(e?.sourceMessage).toBe('شماره تلفن نمی تواند تکراری باشد.');
  });

  it('invalid row price and unknown refusals', () => {
    expect(formRefusal(refused('مبلغ ردیف 2 نامعتبر است.', 'price'), '43D81')?.code).toBe(
      'SIAGH_INVALID_ROW_PRICE',
    );
    expect(formRefusal(refused('نام نمی تواند خالی باشد.', 'fullname'), '2BFDA')?.code).toBe(
      'SIAGH_FORM_REFUSED',
    );
    expect(formRefusal({ ReturnValue: false, Errors: [] }, '2BFDA')?.code).toBe('SIAGH_FORM_REFUSED');
  });

  it('ReturnValue true is the only success', () => {
    expect(formRefusal({ ReturnValue: true, ReturnCode: '5', Errors: [] }, '2BFDA')).toBeUndefined();
  });

  it('hashes the password as upper-case hex MD5', () => {
    expect(md5UpperHex('admin')).toBe('21232F297A57A5A743894A0E4A801FC3');
  });
});

describe('CRM refusals', () => {
  it('duplicate customer number has its own code', () => {
    const e = crmRefusal('شماره مشتری 100-5 تکراری است.', '/api/v2/crmobject/person/create');
    expect([e.kind, e.code, e.sourceMessage]).toEqual([
      'permanent',
      'CRM_DUPLICATE_CUSTOMER_NUMBER',
      'شماره مشتری 100-5 تکراری است.',
    ]);
    expect(crmRefusal('نام نمایشی (nickName) الزامی است.', 'x').code).toBe('CRM_VALIDATION');
    expect(crmRefusal('???', 'x').code).toBe('CRM_REFUSED');
  });
});

describe('pre-invoice payload', () => {
  const quote = {
    crmId: 'q-1',
    crmObjectTypeCode: 'PI_3',
    subject: 'سفارش | ويژه',
    details: [
      { productCode: 'P-1', productUnitTypeName: null, count: 2, baseUnitPrice: 1500.5, totalDiscount: 100 },
    ],
  };

  it('maps a quote with the sale model from PI_<n>', () => {
    const { header, lines } = quoteToPreInvoice(quote, 12, cfg);
    expect(header).toMatchObject({ customerCode: 12, saleModel: 3, paymentType: 1, documentType: 2 });
    expect(header.notes).toBe('CRM q-1 - سفارش | ویژه');
    expect(lines).toEqual([{ productCode: 'P-1', unitName: 'عدد', qty: 2, price: 1500.5, discount: 100 }]);
    expect(saleModelOf('weird', cfg)).toBe(1);
  });

  it('uses the product table and rejects unmapped products when configured', () => {
    const mapped = { ...cfg, products: { 'P-1': '1001' } };
    expect(quoteToPreInvoice(quote, 12, mapped).lines[0]?.productCode).toBe('1001');
    expect(() => quoteToPreInvoice(quote, 12, { ...cfg, unmappedProduct: 'reject' })).toThrow(
      expect.objectContaining({ code: 'PREINVOICE_UNMAPPED_PRODUCT' }) as Error,
    );
  });

  it('builds the header ctrlValues and dataRows as a JSON string of grids', () => {
    const { header, lines } = quoteToPreInvoice(quote, 12, cfg);
    const pairs = new Map(parseCtrlValues(preInvoiceCtrlValues({ ...header, fiscalYear: 1404 })));
    expect(pairs.get('sl_sanad.salmali')).toBe('1404');
    expect(pairs.get('sl_sanad.codemoshtari')).toBe('12');
    expect(pairs.get('sl_sanad.codenoeesanad')).toBe('2');
    expect(pairs.size).toBe(7); // the | in the subject did not split the string
    const grids = JSON.parse(preInvoiceDataRows(lines)) as {
      name: string;
      entity: string;
      keyField: string;
      data: Record<string, { newValue: unknown }>[];
    }[];
    expect(grids[0]).toMatchObject({ name: 'dbgrid1', entity: 'sl_rizsanad', keyField: 'coderiz' });
    expect(grids[0]?.data[0]?.price?.newValue).toBe('1500.5');
    expect(grids[0]?.data[0]?.radif?.newValue).toBe(1);
  });
});
