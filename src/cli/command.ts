import type { OptionSpecs, ParsedArgs } from './args';
import type { Output } from './output';

/** One `flowgate <name>` command. */
export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The full `flowgate <name> --help` text. */
  help: string;
  options: OptionSpecs;
  /** Returns the exit code; throws CliError / UsageError / GatewayError for expected failures. */
  run(args: ParsedArgs, out: Output): Promise<number>;
}
