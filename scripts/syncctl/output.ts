import { classify, EXIT, type ExitCode } from './errors';

/** Everything a command prints goes through here, so --json gives exactly one JSON document on stdout. */
export class Output {
  constructor(readonly json: boolean) {}

  /** The command's result: JSON when --json, else the human text. */
  result(data: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
  }

  /** Progress and notes go to stderr, so stdout stays parseable. */
  note(text: string): void {
    if (!this.json) process.stderr.write(`${text}\n`);
  }

  /** Reports an error (JSON on stdout with --json) and returns its exit code. */
  error(err: unknown): ExitCode {
    const c = classify(err);
    if (this.json)
      process.stdout.write(
        `${JSON.stringify({ error: c.message, exitCode: c.exitCode, ...(c.hint ? { hint: c.hint } : {}) })}\n`,
      );
    else process.stderr.write(`syncctl: ${c.message}\n${c.hint ? `  hint: ${c.hint}\n` : ''}`);
    if (
      c.exitCode === EXIT.failed &&
      !(err as { name?: string })?.name?.startsWith('Cli') &&
      process.env.SYNCCTL_DEBUG
    ) {
      process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    }
    return c.exitCode;
  }
}
