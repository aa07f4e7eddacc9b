import { crmNotificationEventId, signedWebhookEventId } from './eventId';
import type { CrmNotification } from './crm/notification';

const n: CrmNotification = {
  entityType: 'customer',
  operation: 'upsert',
  sourceId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  crmType: 'Identity',
  crmEvent: 'Update',
  identityKind: 'person',
  subtype: 'مخاطب حقیقی',
};
const t = 1_764_000_000_000; // a multiple of 1000

describe('event ids', () => {
  it('the same CRM notification within one window gets the same id', () => {
    expect(crmNotificationEventId(n, t, 1000)).toBe(crmNotificationEventId(n, t + 999, 1000));
    expect(crmNotificationEventId(n, t, 1000)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the subtype label does not change the id (it does not identify the change)', () => {
    expect(crmNotificationEventId({ ...n, subtype: 'other' }, t, 1000)).toBe(
      crmNotificationEventId(n, t, 1000),
    );
  });

  it('another window, record, event or type gives another id', () => {
    const base = crmNotificationEventId(n, t, 1000);
    const others = [
      crmNotificationEventId(n, t + 1000, 1000),
      crmNotificationEventId({ ...n, sourceId: '3f2504e0-4f89-11d3-9a0c-0305e82c3302' }, t, 1000),
      crmNotificationEventId({ ...n, crmEvent: 'Delete', operation: 'delete' }, t, 1000),
      crmNotificationEventId({ ...n, crmEvent: 'Insert' }, t, 1000),
      crmNotificationEventId({ ...n, crmType: 'Quote', entityType: 'preinvoice' }, t, 1000),
      crmNotificationEventId(n, t, 2000),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('window 0 gives every notification its own id', () => {
    expect(crmNotificationEventId(n, t, 0)).not.toBe(crmNotificationEventId(n, t, 0));
  });

  it('a signed webhook id is its identity: same sender and webhook-id, same event id', () => {
    expect(signedWebhookEventId('erp', 'msg_1')).toBe(signedWebhookEventId('erp', 'msg_1'));
    expect(signedWebhookEventId('erp', 'msg_1')).not.toBe(signedWebhookEventId('erp', 'msg_2'));
    expect(signedWebhookEventId('erp', 'msg_1')).not.toBe(signedWebhookEventId('crm-bridge', 'msg_1'));
  });
});
