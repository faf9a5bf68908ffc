import type { Command } from 'commander';

/** Kerr subcommands: steady, meanfield, quench (owned by the Kerr engine work). */
export function register(_program: Command): void {}
