// `npx syncctl <command>`: the SiaghSync operator CLI (see README "Operate it" and `syncctl --help`).
import path from 'node:path';
import { REPO_ROOT } from '../stack/config';
import { withSession } from '../session';
import { buildProgram, commanderExitCode } from './program';

// Before any command reads its variables: the running `npm start`'s topic prefix and tokens, for
// those the shell leaves unset (and for the children a command starts, such as a backfill). A relative
// STACK_DIR is the checkout's, as npm start (run from its root) reads it, wherever syncctl runs from.
const stackDir = path.resolve(REPO_ROOT, process.env.STACK_DIR || '.stack');
const { added, session, file } = withSession(process.env, stackDir);
if (session) {
  Object.assign(process.env, added);
  process.stderr.write(
    `syncctl: talking to the running npm start (pid ${session.pid}; its settings in ${file}; SYNCCTL_SESSION=off ignores them)\n`,
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
