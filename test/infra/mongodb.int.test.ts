import { MongoClient, MongoServerError } from 'mongodb';
import { requireEnv, uniqueName } from '../harness/names';

describe('MongoDB-wire database (FerretDB locally, MongoDB in Docker)', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(requireEnv('MONGODB_URI'));
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
  });

  it('inserts, finds, bulk-writes and enforces a unique index', async () => {
    const dbName = uniqueName('db').replace(/-/g, '_');
    const db = client.db(dbName);
    const col = db.collection<{ _id: string; customerNumber: string; name: string; n?: number }>('mappings');
    await col.createIndex({ customerNumber: 1 }, { unique: true });

    await col.insertOne({ _id: 'customer:1', customerNumber: '100-1', name: 'علی' });
    expect(await col.findOne({ customerNumber: '100-1' })).toEqual({
      _id: 'customer:1',
      customerNumber: '100-1',
      name: 'علی',
    });

    const res = await col.bulkWrite(
      [
        { insertOne: { document: { _id: 'customer:2', customerNumber: '100-2', name: 'رضا' } } },
        { updateOne: { filter: { _id: 'customer:1' }, update: { $set: { n: 1 } } } },
        {
          updateOne: {
            filter: { _id: 'customer:3' },
            update: { $setOnInsert: { customerNumber: '100-3', name: 'سارا' } },
            upsert: true,
          },
        },
      ],
      { ordered: true },
    );
    expect(res.insertedCount).toBe(1);
    expect(res.modifiedCount).toBe(1);
    expect(res.upsertedCount).toBe(1);
    expect(await col.countDocuments()).toBe(3);
    expect(
      await col
        .find({}, { sort: { _id: 1 } })
        .map((d) => d._id)
        .toArray(),
    ).toEqual(['customer:1', 'customer:2', 'customer:3']);

    const dup = col.insertOne({ _id: 'customer:9', customerNumber: '100-2', name: 'duplicate' });
    await expect(dup).rejects.toBeInstanceOf(MongoServerError);
    await expect(dup).rejects.toMatchObject({ code: 11000 });
    expect(await col.countDocuments()).toBe(3);
    await db.dropDatabase();
  });
});
