// `npx syncctl <command>`: the SiaghSync operator CLI (see README "Operate it" and `syncctl --help`).
import { buildProgram, commanderExitCode } from './program';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = commanderExitCode(err);
}
// kafkajs may keep reconnect timers alive after a failed connect; the answer is already printed.
process.exit(process.exitCode ?? 0);
