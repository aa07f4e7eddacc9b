import avro from 'avsc';
import { selfContainedSchema } from '@siaghsync/schemas';
import { buildProgram, commanderExitCode } from './program';
import { CliError, EXIT } from './errors';
import { parseResyncTarget, resyncEvent, resyncMessage } from './resync';

const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** The usage error parseResyncTarget throws, or null when it accepts the arguments. */
function refusal(what: string, id: string, kind?: string): { code: number; message: string } | null {
  try {
    parseResyncTarget(what, id, kind);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return { code: (err as CliError).exitCode, message: (err as CliError).message };
  }
}

describe('resync arguments', () => {
  it('a CRM id is a GUID, keyed in lower case like the webhook path (braces and case accepted)', () => {
    expect(parseResyncTarget('crm-quote', ` {${GUID.toUpperCase()}} `)).toEqual({
      what: 'crm-quote',
      source: 'crm',
      entityType: 'preinvoice',
      sourceId: GUID,
      attributes: { crmType: 'Quote' },
    });
    expect(parseResyncTarget('crm-identity', GUID)).toMatchObject({
      entityType: 'customer',
      attributes: { crmType: 'Identity' },
    });
  });

  it('--kind sets identityKind, the attribute the webhook sets from the subtype', () => {
    expect(parseResyncTarget('crm-identity', GUID, 'organization').attributes).toEqual({
      crmType: 'Identity',
      identityKind: 'organization',
    });
    expect(parseResyncTarget('crm-identity', GUID, 'person').attributes.identityKind).toBe('person');
  });

  it('a Siagh code is a positive integer, written as the poller writes it (Persian digits too)', () => {
    expect(parseResyncTarget('siagh-contact', '1231')).toEqual({
      what: 'siagh-contact',
      source: 'siagh',
      entityType: 'customer',
      sourceId: '1231',
      attributes: {},
    });
    expect(parseResyncTarget('siagh-contact', '007').sourceId).toBe('7');
    expect(parseResyncTarget('siagh-contact', '۱۲۳۱').sourceId).toBe('1231');
  });

  it.each([
    ['crm-quote', 'not-a-guid', undefined, /<guid> must be a CRM id.*not-a-guid/],
    ['crm-identity', `${GUID}0`, undefined, /<guid>/],
    ['crm-identity', '1231', undefined, /<guid>/],
    ['siagh-contact', GUID, undefined, /<code> must be a Siagh contact code/],
    ['siagh-contact', '0', undefined, /<code>.*positive integer/],
    ['siagh-contact', '-3', undefined, /<code>/],
    ['siagh-contact', '1.5', undefined, /<code>/],
    ['siagh-contact', '99999999999999999999', undefined, /<code>/],
    ['siagh-contact', '', undefined, /<code>/],
    ['crm-quote', GUID, 'person', /--kind applies to crm-identity only/],
    ['siagh-contact', '12', 'person', /--kind applies to crm-identity only/],
    ['crm-identity', GUID, 'robot', /--kind must be person or organization/],
    ['crm-invoice', GUID, undefined, /<what> must be crm-identity, crm-quote, siagh-contact/],
    ['__proto__', GUID, undefined, /<what>/],
  ])('%s %j --kind %s is a usage error naming the argument', (what, id, kind, message) => {
    const r = refusal(what, id, kind);
    expect(r?.code).toBe(EXIT.usage);
    expect(r?.message).toMatch(message);
  });
});

describe('resync event', () => {
  const target = parseResyncTarget('crm-identity', GUID, 'person');

  it('is a thin manual upsert with the correlation id, valid under the ChangeEvent schema', () => {
    const e = resyncEvent(target, 'corr-0001', 1_700_000_000_000);
    expect(e).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      source: 'crm',
      entityType: 'customer',
      sourceId: GUID,
      operation: 'upsert',
      sourceTime: null,
      observedTime: 1_700_000_000_000,
      trigger: 'manual',
      correlationId: 'corr-0001',
      naturalKey: null,
      checksum: null,
      snapshot: null,
      attributes: { crmType: 'Identity', identityKind: 'person' },
    });
    const type = avro.Type.forSchema(selfContainedSchema('ChangeEvent') as avro.Schema);
    expect(type.isValid(e)).toBe(true);
    const quote = resyncEvent(parseResyncTarget('crm-quote', GUID), 'corr-0002', 1);
    expect(type.isValid(quote)).toBe(true);
  });

  it('gets a new id per resync, so it is never taken for a duplicate', () => {
    expect(resyncEvent(target, 'corr-a', 1).eventId).not.toBe(resyncEvent(target, 'corr-b', 1).eventId);
    expect(resyncEvent(target, 'corr-a', 1).eventId).toBe(resyncEvent(target, 'corr-a', 2).eventId);
  });

  it('is keyed by its source id with the eventId and correlationId headers, as ingest and the poller send', () => {
    const e = resyncEvent(parseResyncTarget('siagh-contact', '42'), 'corr-c', 1);
    const value = Buffer.from('x');
    expect(resyncMessage(e, value)).toEqual({
      key: 'siagh:42',
      value,
      headers: { eventId: e.eventId, correlationId: 'corr-c' },
    });
    expect(resyncMessage(resyncEvent(target, 'corr-d', 1), value).key).toBe(`crm:${GUID}`);
  });
});

describe('resync on the command line', () => {
  /** Exit code of argv; only arguments refused before any connection is made. */
  async function exitOf(argv: string[]): Promise<number> {
    let code = -1;
    const program = buildProgram((c) => (code = c));
    const quiet = { writeErr: () => undefined, writeOut: () => undefined };
    program.configureOutput(quiet);
    for (const c of program.commands.flatMap((c) => [c, ...c.commands]))
      c.configureOutput(quiet).exitOverride();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['node', 'syncctl', ...argv]);
      return code;
    } catch (err) {
      return commanderExitCode(err);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  }

  it('is registered, and refuses bad arguments with exit 2 before connecting', async () => {
    expect(buildProgram(() => undefined).commands.map((c) => c.name())).toContain('resync');
    expect(await exitOf(['resync'])).toBe(2);
    expect(await exitOf(['resync', 'crm-invoice', GUID])).toBe(2);
    expect(await exitOf(['resync', 'crm-quote'])).toBe(2);
    expect(await exitOf(['resync', 'crm-quote', GUID, '--kind', 'person'])).toBe(2);
    expect(await exitOf(['resync', 'crm-identity', GUID, '--kind', 'robot'])).toBe(2);
    expect(await exitOf(['resync', 'crm-identity', 'nope'])).toBe(2);
    expect(await exitOf(['--json', 'resync', 'siagh-contact', '0'])).toBe(2);
  });
});
