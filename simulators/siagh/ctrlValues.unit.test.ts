import { joinCtrlValues, parseParameters, splitCtrlValues, tableFields } from './ctrlValues';
import { contactFieldsFrom } from './forms/contactForm';

describe('ctrlValues parser (as the real Siagh parses)', () => {
  it('splits on | and then on the first =', () => {
    expect(splitCtrlValues('gn_web_users.fullname=علی|gn_web_users.mobileno=0912')).toEqual([
      { key: 'gn_web_users.fullname', value: 'علی' },
      { key: 'gn_web_users.mobileno', value: '0912' },
    ]);
  });

  it('keeps = inside a value (only the first = splits)', () => {
    expect(tableFields('gn_web_users.description=a=b=c', 'gn_web_users').get('description')).toBe('a=b=c');
  });

  it('cuts a value at | and drops the orphan piece', () => {
    const f = tableFields('gn_web_users.fullname=Ali|Reza|gn_web_users.telno=021', 'gn_web_users');
    expect(f.get('fullname')).toBe('Ali');
    expect(f.get('telno')).toBe('021');
    expect(f.size).toBe(2);
  });

  it('lets a value containing | inject another field (faithful corruption)', () => {
    const ctrl = joinCtrlValues('gn_web_users', {
      fullname: 'X|gn_web_users.email=evil@x.ir',
      email: 'good@x.ir',
    });
    // The injected email comes first, the real one later wins; a later injection wins instead:
    const injectedLast = 'gn_web_users.email=good@x.ir|gn_web_users.fullname=X|gn_web_users.email=evil@x.ir';
    expect(tableFields(ctrl, 'gn_web_users').get('fullname')).toBe('X');
    expect(tableFields(injectedLast, 'gn_web_users').get('email')).toBe('evil@x.ir');
    const { fields } = contactFieldsFrom('gn_web_users.fullname=A|gn_web_users.isactive=0|x');
    expect(fields).toEqual({ Name: 'A', IsActive: false });
  });

  it('matches keys case-insensitively, keeps values byte for byte, ignores other tables', () => {
    const f = tableFields('GN_WEB_USERS.FullName= علي |sl_sanad.tozihat=x', 'gn_web_users');
    expect([...f.entries()]).toEqual([['fullname', ' علي ']]);
  });

  it('maps form fields to contact properties and refuses a bad boolean', () => {
    const ok = contactFieldsFrom(
      'gn_web_users.towardtype=1|gn_web_users.citycode=3|gn_web_users.tmpid=12|gn_web_users.email=',
    );
    expect(ok).toEqual({ fields: { TowardType: true, CityCode: 3, tmpid: '12', Email: null }, errors: [] });
    expect(contactFieldsFrom('gn_web_users.isactive=yes').errors[0]?.ColName).toBe('isactive');
  });

  it('parses parameters with the same rules', () => {
    expect(parseParameters('CodeMain=')).toEqual(new Map([['codemain', '']]));
    expect(parseParameters('_In_Suid=3f2a')).toEqual(new Map([['_in_suid', '3f2a']]));
  });
});
