/** The `ccbox` command: one program, subcommands for each face of the appliance. */
import { Command } from 'commander';
import { registerApiCommand } from './api-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerRevisitCommand } from './revisit-command.js';
import { registerRunCommand } from './run-command.js';
import { registerCstaCommand } from './csta-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerIvrCommands } from './ivr-command.js';
import { registerSimCommand } from './sim-command.js';

export function buildProgram(): Command {
  const program = new Command('ccbox')
    .description('ccbox: call-center appliance beside a small-office PBX (CSTA link, IVR, ACD, recording, reports)')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerRunCommand(program);
  registerDemoCommand(program);
  registerCstaCommand(program);
  registerSimCommand(program);
  registerConfigCommand(program);
  registerIvrCommands(program);
  registerApiCommand(program);
  registerRevisitCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
