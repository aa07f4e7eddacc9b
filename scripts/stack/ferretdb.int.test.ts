import { MongoClient, ObjectId, type Db } from 'mongodb';

// The stack's FerretDB answers `{_id: {$in: [...]}}` from the _id index (scripts/stack/install.ts,
// patchFerretdbIdIn). The pushdown is only a pre-filter, so every shape of query must still return
// exactly what MongoDB would, whether or not the patch covers it.

let client: MongoClient;
let db: Db;
const oid = new ObjectId();

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGODB_URI!);
  db = client.db(`ferret_in_${Date.now()}`);
  await db
    .collection('docs')
    .insertMany([
      ...Array.from({ length: 50 }, (_, i) => ({ _id: `k:${i}` as never, n: i })),
      { _id: 7 as never, n: 1007 },
      { _id: oid, n: 2000 },
    ]);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

const ns = async (filter: object) =>
  (await db.collection<{ n: number }>('docs').find(filter).toArray()).map((d) => d.n).sort((a, b) => a - b);

describe('FerretDB _id $in', () => {
  it('finds exactly the listed string ids, ignoring missing and repeated ones', async () => {
    expect(await ns({ _id: { $in: ['k:3', 'k:41', 'k:3', 'nope'] } })).toEqual([3, 41]);
  });

  it('finds ObjectIds, and a mix of kinds it does not push down', async () => {
    expect(await ns({ _id: { $in: [oid] } })).toEqual([2000]);
    expect(await ns({ _id: { $in: ['k:1', 7, oid] } })).toEqual([1, 1007, 2000]);
  });

  it('keeps the rest of the filter: other operators beside $in, other fields beside _id', async () => {
    expect(await ns({ _id: { $in: ['k:1', 'k:2', 'k:3'], $ne: 'k:2' } })).toEqual([1, 3]);
    expect(await ns({ _id: { $in: ['k:1', 'k:2', 'k:3'] }, n: { $gt: 1 } })).toEqual([2, 3]);
    expect(await ns({ _id: { $in: [] } })).toEqual([]);
  });

  it('takes a window-sized list (1,000 ids)', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `k:${i}`);
    expect(await ns({ _id: { $in: ids } })).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
