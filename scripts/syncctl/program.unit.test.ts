import { CommanderError } from 'commander';
import { buildProgram, commanderExitCode } from './program';

/** Parses argv without running network actions: usage errors surface as CommanderError. */
async function usage(argv: string[]): Promise<number> {
  const program = buildProgram(() => undefined);
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const c of program.commands)
    c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const c of program.commands.flatMap((c) => c.commands))
    c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined }).exitOverride();
  try {
    await program.parseAsync(['node', 'syncctl', ...argv]);
    return -1;
  } catch (err) {
    return commanderExitCode(err);
  }
}

describe('syncctl argument parsing', () => {
  it('lists every command of the brief', () => {
    const names = buildProgram(() => undefined).commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining(['status', 'backfill', 'rebuild', 'dlq', 'conflicts', 'entity', 'replay']),
    );
  });

  it('answers usage errors with exit 2 and --help with 0', async () => {
    expect(await usage(['--help'])).toBe(0);
    expect(await usage(['nope'])).toBe(2);
    expect(await usage(['replay'])).toBe(2); // --from is required
    expect(await usage(['conflicts', 'resolve', 'c1'])).toBe(2); // --choice is required
    expect(await usage(['conflicts', 'resolve', 'c1', '--choice', 'both'])).toBe(2);
    expect(await usage(['dlq', 'list', '--limit', '0'])).toBe(2);
    expect(await usage(['backfill', '--source', 'erp'])).toBe(2);
    expect(await usage(['entity', 'show'])).toBe(2);
  });

  it('rethrows anything that is not a commander error', () => {
    expect(() => commanderExitCode(new Error('x'))).toThrow('x');
    expect(commanderExitCode(new CommanderError(1, 'commander.unknownCommand', 'x'))).toBe(2);
  });
});
