import { parseRows } from './preInvoiceForm';

const cell = (v: unknown) => ({ oldValue: null, newValue: v });
const grid = (data: unknown[]) =>
  JSON.stringify([{ name: 'dbgrid1', entity: 'sl_rizsanad', keyField: 'coderiz', data }]);
const row = (price: unknown, qty: unknown = 2) => ({
  codekala: cell('1001'),
  nameunit: cell('عدد'),
  qty: cell(qty),
  price: cell(price),
  mabtakhfif: cell(0),
  radif: cell(1),
  vazn: cell(0),
  hajm: cell(0),
});

describe('pre-invoice rows (dataRows JSON string)', () => {
  it('reads the grid cells newValue', () => {
    const r = parseRows(grid([row(150000, '3')]));
    expect(r.errors).toEqual([]);
    expect(r.rows?.[0]).toMatchObject({ CodeKala: '1001', Qty: 3, Price: 150000, Mablagh: 450000 });
  });

  it.each([[0], [-5], ['abc'], ['۱۲۰۰'], [null]])('refuses the row price %p', (price) => {
    const r = parseRows(grid([row(price)]));
    expect(r.rows).toBeUndefined();
    expect(r.errors.map((e) => [e.ColName, e.ErrorType])).toContainEqual(['price', 'ErrError']);
  });

  it('refuses malformed JSON and an empty grid', () => {
    expect(parseRows('[{')).toMatchObject({ errors: [{ ColName: 'dataRows' }] });
    expect(parseRows(grid([])).errors[0]?.Description).toContain('بدون ردیف');
  });
});
