import { forgetEdits, newStats } from './workload';

describe('forgetEdits', () => {
  it("drops the deleted side's last edits of that customer and keeps the rest", () => {
    const stats = newStats();
    stats.edits.set('7:email', { sides: new Set(['siagh']), last: 'a@x.ir', lastSide: 'siagh' });
    stats.edits.set('7:mobile', { sides: new Set(['crm']), last: '09120000001', lastSide: 'crm' });
    stats.edits.set('70:email', { sides: new Set(['siagh']), last: 'b@x.ir', lastSide: 'siagh' });

    forgetEdits(stats, 7, 'siagh');

    expect([...stats.edits.keys()].sort()).toEqual(['70:email', '7:mobile']);
  });
});
