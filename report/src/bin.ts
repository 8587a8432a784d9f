/** The executable of `cdk-kms-encryption` and `cdk-kms-encryption-report` (bundled as lib/cli.js). */
import { EXIT_INTERNAL, main } from './cli';

main(process.argv.slice(2)).then(
  (code) => process.exitCode = code,
  (error: unknown) => {
    process.stderr.write(`cdk-kms-encryption report: internal error, please report it: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
