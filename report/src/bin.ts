/** The executable of `cdk-kms-encryption` and `cdk-kms-encryption-report` (bundled as lib/cli.js). */
import { main, reportInternalError } from './cli';

main(process.argv.slice(2)).then(
  (code) => process.exitCode = code,
  (error: unknown) => process.exitCode = reportInternalError(error),
);
