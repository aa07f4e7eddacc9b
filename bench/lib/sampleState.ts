// One linked customer as the syncer holds it after a sync: both ids, each side's checksums, a full base
// record and the times the last reads and the commit left on it. Each call builds its own strings, as a
// state decoded from the changelog has them (shared literals would make any representation look small).
import { deterministicEventId } from '../../shared/src/events';
import { initialState, type EntityState } from '../../services/syncer/src/decide/state';

const T0 = 1_750_000_000_000;
const own = (s: string): string => Buffer.from(s).toString();

export function sampleState(k: number): EntityState {
  const s = initialState(`customer:${100000 + k}`);
  const base = {
    customerNumber: 100000 + k,
    kind: 'person' as const,
    name: `مشتری شماره ${k}`,
    firstName: own('مشتری'),
    lastName: `شماره ${k}`,
    nationalCode: String(1000000000 + k),
    economicCode: '',
    registerNumber: '',
    mobile: `0912${String(k).padStart(7, '0')}`,
    phone: '',
    email: `c${k}@example.com`,
    address: own('تهران، خیابان انقلاب، پلاک ۱۲'),
    postalCode: own('1234567890'),
    city: own('تهران'),
    description: '',
    active: true,
  };
  // Side checksums are sha256 hex; the two sides' differ (each is of that side's own record).
  const crmSum = deterministicEventId('h', k) + deterministicEventId('h2', k);
  const siaghSum = deterministicEventId('s', k) + deterministicEventId('s2', k);
  const at = T0 + k * 37;
  return {
    ...s,
    version: 3,
    generation: 1,
    kind: 'person',
    crm: {
      id: `5f0c2b8e-7d1a-4c55-9a0e-${String(k).padStart(12, '0')}`,
      written: crmSum,
      seen: own(crmSum),
      deleted: false,
      knownAt: at,
    },
    siagh: {
      id: String(1000 + k),
      written: siaghSum,
      seen: own(siaghSum),
      deleted: false,
      knownAt: at + 180,
    },
    base,
    updatedAt: at + 250,
  };
}
