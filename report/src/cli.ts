/**
 * `cdk-kms-encryption report [ASSEMBLY] [--out DIR] [--diff OLD] [--fail-on-new-access] [--format LIST]`:
 * the command line of the encryption report. `main` takes the arguments and returns the exit code, so tests
 * run it in-process; bin.ts is the executable.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { buildReport } from './build';
import { diffReports, hasGainedAccess } from './diff';
import { ReportInputError } from './errors';
import { AccessChange, EncryptionReportDiff, isReportDiff } from './model';
import { REPORT_FORMATS, ReportFormat, writeReport } from './write';

/** Exit codes. */
export const EXIT_OK = 0;
/** `--fail-on-new-access` and the diff has gained access. */
export const EXIT_NEW_ACCESS = 1;
/** Bad input or usage: the message says which file or flag and what was expected. */
export const EXIT_USAGE = 2;
/** Anything else is a defect of the report: bin.ts prints the stack (not 1, which CI reads as access gained). */
export const EXIT_INTERNAL = 3;

/** The first argument may name the command; the report is the only one, so it may be left out. */
const COMMAND = 'report';
const DEFAULT_ASSEMBLY = 'cdk.out';

export const USAGE = `Usage: cdk-kms-encryption report [ASSEMBLY] [options]
       cdk-kms-encryption-report [ASSEMBLY] [options]

Writes the encryption report of a cloud assembly: who can use each KMS key for what, what it encrypts,
what it costs and what was acknowledged, as encryption-report.json, .html and .md.

Arguments:
  ASSEMBLY              the cloud assembly directory (default: ${DEFAULT_ASSEMBLY})

Options:
  --out DIR             the directory to write into (default: the current directory)
  --diff OLD            compare with the older assembly OLD and write what changed, as
                        encryption-report-diff.json, .html and .md, instead of the report
  --fail-on-new-access  with --diff: exit with ${EXIT_NEW_ACCESS} when a principal gained access, and list it
  --format LIST         the formats to write, comma-separated: ${REPORT_FORMATS.join(',')} (default: all)
  --help                print this help

Exit codes: ${EXIT_OK} written; ${EXIT_NEW_ACCESS} access gained (with --fail-on-new-access); ${EXIT_USAGE} bad input or usage;\n${EXIT_INTERNAL} an internal error (please report it with the stack printed).
`;

/** Every option is `multiple` so that a repeated one can be refused instead of its first value dropped. */
const OPTIONS = {
  'out': { type: 'string', multiple: true },
  'diff': { type: 'string', multiple: true },
  'fail-on-new-access': { type: 'boolean' },
  'format': { type: 'string', multiple: true },
  'help': { type: 'boolean' },
} as const;
/** What the usage calls the value of each option that takes one. */
const VALUE_NAMES: Record<string, string> = { out: 'DIR', diff: 'OLD', format: 'LIST' };
/** `--out DIR`, `--fail-on-new-access`, … */
const FLAGS = Object.keys(OPTIONS).map((name) => `--${name}${VALUE_NAMES[name] ? ` ${VALUE_NAMES[name]}` : ''}`);

/** Where the command prints, and what relative paths are relative to. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
};

/** A problem with the command line or its input: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  public readonly name = 'UsageError';
}

/** What the command line asks for. */
interface Request {
  readonly assembly: string;
  readonly outDir: string;
  readonly diffWith?: string;
  readonly failOnNewAccess: boolean;
  readonly formats: ReportFormat[];
}

/** Runs the command with `argv` (without the node and script paths) and returns the exit code. */
export async function main(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  let request: Request | 'help';
  try {
    request = parseRequest(argv, io.cwd);
  } catch (error) {
    io.err(`cdk-kms-encryption report: ${(error as Error).message}\nRun with --help for the usage.`);
    return EXIT_USAGE;
  }
  if (request === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  try {
    return await run(request, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReportInputError) {
      io.err(`cdk-kms-encryption report: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** What bin.ts does with an error `main` throws: a defect, printed with its stack; returns the exit code. */
export function reportInternalError(error: unknown, io: CliIo = PROCESS_IO): number {
  io.err(`cdk-kms-encryption report: internal error, please report it: ${error instanceof Error ? error.stack : String(error)}`);
  return EXIT_INTERNAL;
}

async function run(request: Request, io: CliIo): Promise<number> {
  const newer = await buildReport(request.assembly);
  const written = request.diffWith === undefined ? newer : diffReports(await buildReport(request.diffWith), newer);
  const files = write(() => writeReport(written, request.outDir, request.formats), request.outDir);
  const what = isReportDiff(written) ? summary(written) : `${newer.keys.length} key(s) in ${newer.stacks.length} stack(s)`;
  io.out(`Wrote ${files.map((file) => path.relative(io.cwd, file) || file).join(', ')}: ${what}.`);
  if (isReportDiff(written) && request.failOnNewAccess && hasGainedAccess(written)) {
    io.err(`Access gained from ${written.old} to ${written.new} (--fail-on-new-access):\n${written.gained.map((change) => `  ${describeChange(change)}`).join('\n')}`);
    return EXIT_NEW_ACCESS;
  }
  return EXIT_OK;
}

function parseRequest(argv: string[], cwd: string): Request | 'help' {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) {
    return 'help';
  }
  const assemblies = positionals[0] === COMMAND ? positionals.slice(1) : positionals;
  if (assemblies.length > 1) {
    throw new UsageError(`expected at most one assembly directory, got ${assemblies.length}: ${assemblies.join(', ')}`);
  }
  const diffWith = single('diff', values.diff);
  if (values['fail-on-new-access'] && diffWith === undefined) {
    throw new UsageError('--fail-on-new-access compares two assemblies: add --diff OLD, the assembly to compare with');
  }
  return {
    assembly: path.resolve(cwd, assemblies[0] ?? DEFAULT_ASSEMBLY),
    outDir: path.resolve(cwd, single('out', values.out) ?? '.'),
    diffWith: diffWith === undefined ? undefined : path.resolve(cwd, diffWith),
    failOnNewAccess: values['fail-on-new-access'] ?? false,
    formats: parseFormats(single('format', values.format)),
  };
}

/** util.parseArgs, strict, with its errors in this command's words. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${flag}; the options are ${FLAGS.join(', ')}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(--[\w-]+)/.exec(message)?.[1] ?? message;
      const valueName = VALUE_NAMES[flag.slice(2)];
      throw new UsageError(valueName ? `${flag} needs a value: ${flag} ${valueName}` : `${flag} takes no value`);
    }
    throw new UsageError(message);
  }
}

/** A flag given at most once: a second value would be ignored, so it is refused. */
function single(name: string, values: string[] | undefined): string | undefined {
  if (values && values.length > 1) {
    throw new UsageError(`--${name} given ${values.length} times (${values.join(', ')}); give it once`);
  }
  return values?.[0];
}

function parseFormats(list: string | undefined): ReportFormat[] {
  if (list === undefined) {
    return [...REPORT_FORMATS];
  }
  const formats = list.split(',').map((format) => format.trim());
  const unknown = formats.filter((format) => !REPORT_FORMATS.includes(format as ReportFormat));
  if (unknown.length > 0 || formats.length === 0) {
    throw new UsageError(`--format ${list}: expected a comma-separated list of ${REPORT_FORMATS.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.map((format) => `'${format}'`).join(', ')}` : ''}`);
  }
  return REPORT_FORMATS.filter((format) => formats.includes(format));
}

/** Runs a write, turning a directory that cannot be written into a usage error that names it. */
function write(writeFiles: () => string[], outDir: string): string[] {
  try {
    return writeFiles();
  } catch (error) {
    const { code, path: file } = error as NodeJS.ErrnoException;
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EACCES' || code === 'EROFS' || code === 'EISDIR') {
      throw new UsageError(`--out ${outDir}: cannot write ${file ?? outDir} (${code}); expected a directory that can be written`);
    }
    throw error;
  }
}

function summary(diff: EncryptionReportDiff): string {
  return [
    `${diff.gained.length} access(es) gained`,
    `${diff.lost.length} lost`,
    `${diff.keysAdded.length} key(s) added`,
    `${diff.keysRemoved.length} removed`,
    `${diff.dataChanged.length} data change(s)`,
  ].join(', ');
}

/** "Payments/ReaderRole can decrypt with Payments/DataKey (only through S3 in eu-west-1) — data: Payments/DataBucket" */
export function describeChange(change: AccessChange): string {
  const conditions = change.conditions.length > 0 ? ` (${change.conditions.join('; ')})` : ' (no conditions)';
  const data = change.data.length > 0 ? ` — data: ${change.data.map((resource) => resource.path ?? resource.id).join(', ')}` : '';
  return `${change.principal.label} can ${change.capability} with ${change.key.label}${conditions}${data}`;
}

