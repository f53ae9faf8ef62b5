import { isDetError } from '@det/core';
import { type Command, type CommandIO, processIO, UsageError } from './command';
import { anchorsCommand } from './commands/anchors';
import { evalCommand } from './commands/eval';
import { predictCommand } from './commands/predict';
import { trainCommand } from './commands/train';

/** Every sub-command, in help order. */
export const commands: Command[] = [anchorsCommand, trainCommand, evalCommand, predictCommand];

function help(io: CommandIO): void {
  io.stdout('Usage: det <command> [options]\n\nCommands:');
  for (const c of commands) io.stdout(`  ${c.name.padEnd(10)} ${c.summary}`);
  io.stdout("\nRun 'det <command> --help' for a command's options.");
}

/**
 * Runs `det` with the given arguments (without the node and script paths) and returns the exit code:
 * 0 success, 1 bad input (a DetError, printed with its file/index/field), 2 bad usage.
 */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`det: unknown command '${name}'`);
    help(io);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`det ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (isDetError(error)) {
      io.stderr(`det ${name}: ${error.name} [${error.code}] ${error.message}`);
      return 1;
    }
    throw error;
  }
}
