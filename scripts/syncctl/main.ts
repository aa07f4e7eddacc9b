// `npx syncctl <command>`: the SiaghSync operator CLI (see README "Operate it" and `syncctl --help`).
import path from 'node:path';
import { REPO_ROOT } from '../stack/config';
import { withSession } from '../session';
import { buildProgram, commanderExitCode } from './program';

// Before any command reads its variables: the running `npm start`'s topic prefix and tokens, for
// those the shell leaves unset (and for the children a command starts, such as a backfill).
const { added, session } = withSession(
  process.env,
  path.resolve(process.env.STACK_DIR ?? path.join(REPO_ROOT, '.stack')),
);
if (session) {
  Object.assign(process.env, added);
  process.stderr.write(
    `syncctl: talking to the running npm start (pid ${session.pid}; its settings in .stack/session.json; SYNCCTL_SESSION=off ignores them)\n`,
  );
}

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = commanderExitCode(err);
}
// kafkajs may keep reconnect timers alive after a failed connect; the answer is already printed.
process.exit(process.exitCode ?? 0);
