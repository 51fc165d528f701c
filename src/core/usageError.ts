/**
 * A mistake in a command line (an unknown flag, a malformed value): the one usage error of the
 * `flowgate` CLI and the emulator's own flags. Exit code 2; `command` names the command whose
 * `--help` the hint points to (undefined: the top level, or the emulator).
 */
export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
