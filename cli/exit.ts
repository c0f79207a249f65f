/** The exit codes (README.md, "Commands"): 0 ok, 1 the user's input is wrong or a check failed, 2 the command line is wrong. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/** The command line itself is wrong (conflicting or malformed options): exit code 2. */
export class UsageError extends Error {}
