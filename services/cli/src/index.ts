// The clarity CLI: commander program whose subcommands live one file per topic in ./commands and are
// discovered at start-up, so adding a command never edits a shared list.
import { readdirSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliContext, CliError } from './context.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

async function loadCommands(program: Command, ctx: CliContext): Promise<void> {
  const dir = new URL('./commands/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as Partial<CommandModule>;
    mod.register?.(program, ctx);
  }
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let ctx: CliContext;
  try {
    ctx = new CliContext();
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const program = new Command('clarity')
    .description('Clarity payee intelligence: run the local mesh and talk to it.')
    .option('--home <dir>', 'state directory of the local mesh (default: <repo>/.clarity, or $CLARITY_HOME)')
    .showHelpAfterError()
    .exitOverride();
  program.hook('preAction', (thisCommand) => {
    const home = thisCommand.opts<{ home?: string }>().home;
    if (home) ctx.setHome(home);
  });
  await loadCommands(program, ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
