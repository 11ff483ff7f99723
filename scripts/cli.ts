/**
 * How every command reads its arguments and reports failure, said once: `node:util` parseArgs with
 * `--help`, a `main(argv)` that tests call in-process, and errors printed as one line
 * `error: <what was wrong and what to do>` (set GPT2_DEBUG=1 to see the stack as well).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';

/** A problem with what the user asked for. */
export class UsageError extends Error {}

export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** The usage text `--help` prints, starting `usage: npm ...`. */
  usage: string;
  options: O;
  allowPositionals?: boolean;
}

/**
 * `argv` parsed against `spec`; `null` when `--help` was asked for (the usage is then printed).
 * Unknown options and missing values become a UsageError that ends with the usage line.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], spec: CommandSpec<O>) {
  const firstLine = spec.usage.split('\n')[0];
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(spec.usage);
    return null;
  }
  try {
    return parseArgs({ args: argv, options: spec.options, allowPositionals: spec.allowPositionals ?? false, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0].replace(/\.$/, '')}; ${firstLine}`);
  }
}

/** Runs `main` as the process's command: exit code 0, or 1 after one `error:` line. */
export function runCommand(main: (argv: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`error: ${message}\n`);
      if (process.env.GPT2_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exit(1);
    },
  );
}
