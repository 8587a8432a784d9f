/**
 * The README and doc-comment examples as jsii-rosetta translated them (`.jsii.tabl.json`, written by
 * `npx projen rosetta:extract`), compiled the way each language can be here: Java with javac against the Java
 * app's classpath, Python with pyflakes (syntax and undefined names: Python has no compile step that resolves
 * attributes). Go is not compiled: rosetta's Go output is not valid Go (docs/decisions/0019-languages-in-ci.md).
 * Each translation that does not compile must be listed in KNOWN_FAILURES with its reason; a new one fails.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type ExampleLanguage = 'java' | 'python';

/** Translations known not to compile, by example (see exampleName) and language, with what rosetta got wrong. */
const KNOWN_FAILURES: Record<string, Partial<Record<ExampleLanguage, string>>> = {
  'README: import { App, InjectionContext, IPropertyInjector, PropertyInjectors, aws_logs as logs } from \'aws-cdk-lib\';': {
    java: 'an interface property becomes a field, `Object.assign` is kept, statements stand outside a class',
    python: '`Object.assign` is kept (and the props keys become snake_case, which the injector does not receive)',
  },
  'README: const configKey = new CustomerManagedKey(this, \'ConfigKey\', { alias: \'my-app/config\' });': {
    java: 'the loop variable of a for-of over strings becomes Object',
  },
  'README: const key = new CustomerManagedKey(this, \'Key\');': {
    java: '`ecs.Secret.fromSsmParameter` loses its module: `Secret` is secretsmanager\'s in Java',
  },
  'README: const apiKey = new RotatingSecret(this, \'PartnerApiKey\', {': {
    java: '`JSON.stringify` is kept',
    python: '`JSON.stringify` is kept',
  },
  'README: Mixins.of(app).apply(new CustomerManagedEncryption());': {
    python: '`stack.with(…)` is kept, a keyword in Python (jsii names the method `with_`)',
  },
  'cdk-kms-encryption.EncryptedLogGroupProps#deletionProtectionEnabled': { java: 'the example is a bare value (`true`), not a statement' },
  'cdk-kms-encryption.ManagedKeyProps#administratorsCanDeleteKey': { java: 'the example is a bare value (`false`), not a statement' },
  'cdk-kms-encryption.ParameterPolicy': {
    java: '`new Date(…)` becomes java.util.Date, the API takes an Instant',
    python: '`new Date(…)` becomes `Date(…)`, which Python does not have (the API takes a datetime)',
  },
};

interface Snippet {
  readonly location: { api: { api: string; fqn?: string; memberName?: string } };
  readonly translations: Record<string, { source: string }>;
}

/** Compiles every translated example in `language`; returns the problems (unexpected failures). */
export function checkExamples(language: ExampleLanguage, root: string, workDir: string, toolchain: Toolchain): string[] {
  const snippets: Snippet[] = Object.values(JSON.parse(fs.readFileSync(path.join(root, '.jsii.tabl.json'), 'utf-8')).snippets);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const files = new Map<string, string>();
  snippets.forEach((snippet, index) => {
    const file = path.join(workDir, language === 'java' ? `Example${index}.java` : `example${index}.py`);
    fs.writeFileSync(file, language === 'java'
      ? javaSource(`Example${index}`, snippet.translations.java.source)
      : pythonSource(snippet.translations.python.source, toolchain.pythonExports!, /^import /m.test(snippet.translations.$.source)));
    files.set(file, exampleName(snippet));
  });
  const failing = language === 'java' ? javacFailures([...files.keys()], workDir, toolchain.javaClasspath!) : pyflakesFailures([...files.keys()], toolchain.python!);

  const problems: string[] = [];
  for (const [file, name] of files) {
    const known = KNOWN_FAILURES[name]?.[language];
    const errors = failing.get(file);
    if (errors && !known) {
      problems.push(`${name} does not compile in ${language} (${path.relative(root, file)}):\n    ${errors.join('\n    ')}`);
    } else if (!errors && known) {
      console.log(`NOTICE   ${name} now compiles in ${language}: remove it from KNOWN_FAILURES (scripts/languages-examples.ts)`);
    }
  }
  const known = [...files.values()].filter((name) => KNOWN_FAILURES[name]?.[language]).length;
  console.log(`${language} examples: ${files.size - failing.size} of ${files.size} compile, ${known} known not to (rosetta's translation)`);
  return problems;
}

export interface Toolchain {
  /** The Java app's classpath (aws-cdk-lib, constructs, the built jar). */
  readonly javaClasspath?: string;
  /** The Python of a virtual environment with aws-cdk-lib, the built wheel and pyflakes. */
  readonly python?: string;
  /** The names the Python package exports, which the examples may use unimported (the fixture imports them). */
  readonly pythonExports?: string[];
}

/** README examples by their first line of code (line numbers move), doc-comment examples by their API item. */
function exampleName(snippet: Snippet): string {
  const { api } = snippet.location;
  if (api.api !== 'moduleReadme') {
    return `${api.fqn}${api.memberName ? `#${api.memberName}` : ''}`;
  }
  const firstLine = snippet.translations.$.source.split('\n').find((line) => line.trim() && !line.startsWith('declare '));
  return `README: ${firstLine}`;
}

/** rosetta/default.ts-fixture in Java: the example is the body of a Stack's constructor. */
function javaSource(className: string, translation: string): string {
  const lines = translation.split('\n');
  const body = lines.filter((line) => !line.startsWith('import '))
    // `declare const x: T` becomes `T x;`, which javac refuses to read before it is assigned.
    .map((line) => line.replace(/^([A-Z][\w.<>, ]*) (\w+);$/, '$1 $2 = null;'));
  return [
    'package examples;',
    ...['io.github.cdkkmsencryption', 'software.amazon.awscdk', ...['iam', 'kms', 'lambda', 'logs', 's3', 'secretsmanager', 'ssm']
      .map((service) => `software.amazon.awscdk.services.${service}`), 'software.constructs', 'java.util']
      .map((pkg) => `import ${pkg}.*;`),
    // Single-type imports win over the on-demand ones above where two packages share a name.
    'import software.amazon.awscdk.Stack;',
    'import io.github.cdkkmsencryption.SecretRotation;',
    ...lines.filter((line) => line.startsWith('import ')),
    `public class ${className} extends Stack {`,
    `  public ${className}(final Construct scope, final String id) {`,
    '    super(scope, id);',
    ...body.map((line) => `    ${line}`),
    '  }',
    '}',
  ].join('\n');
}

/**
 * rosetta/default.ts-fixture in Python: the example is the body of a Stack's `__init__`, the imports rosetta
 * adds go to the top, and `# x: T` (a TypeScript `declare`) becomes a typed name.
 */
function pythonSource(translation: string, exports: string[], nofixture: boolean): string {
  const lines = translation.split('\n');
  if (nofixture) {
    return ['import jsii', ...lines].join('\n');
  }
  const isImport = (line: string) => /^(from|import) /.test(line);
  const body = lines.filter((line) => !isImport(line))
    .map((line) => line.replace(/^# (\w+): ([\w.]+)$/, (_, name: string, type: string) => `${name} = cast(${type.replace(/^lambda\./, 'lambda_.')}, None)`));
  return [
    'from typing import cast',
    'from aws_cdk import App, AspectPriority, Aspects, Duration, Mixins, PropertyInjectors, RemovalPolicy, Stack, Validations',
    'from aws_cdk import aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_lambda as lambda_, aws_logs as logs, aws_s3 as s3',
    'from aws_cdk import aws_secretsmanager as secretsmanager, aws_ssm as ssm',
    'from constructs import Construct',
    `from cdk_kms_encryption import ${exports.join(', ')}`,
    ...lines.filter(isImport),
    '',
    'class Fixture(Stack):',
    '    def __init__(self, scope: Construct, id: str) -> None:',
    '        super().__init__(scope, id)',
    ...body.map((line) => `        ${line}`),
  ].join('\n');
}

/** javac's errors by file. javac checks types only when every file parsed, so the others are compiled again. */
function javacFailures(files: string[], workDir: string, classpath: string): Map<string, string[]> {
  const first = javac(files, workDir, classpath);
  const unparsable = [...first.keys()].filter((file) => first.get(file)!.some((message) => /expected|illegal start|not a statement/.test(message)));
  if (unparsable.length === 0) {
    return first;
  }
  const second = javac(files.filter((file) => !unparsable.includes(file)), workDir, classpath);
  return new Map([...unparsable.map((file): [string, string[]] => [file, first.get(file)!]), ...second]);
}

function javac(files: string[], workDir: string, classpath: string): Map<string, string[]> {
  try {
    execFileSync('javac', ['-proc:none', '-nowarn', '-cp', classpath, '-d', path.join(workDir, 'classes'), ...files], { stdio: 'pipe' });
    return new Map();
  } catch (error) {
    return errorsByFile(String((error as { stderr?: Buffer }).stderr), /^(\/\S+\.java):\d+: error: (.*)$/);
  }
}

/** pyflakes' findings by file, less those about the fixture's imports and unused names, which are no error. */
function pyflakesFailures(files: string[], python: string): Map<string, string[]> {
  try {
    execFileSync(python, ['-m', 'pyflakes', ...files], { stdio: 'pipe' });
    return new Map();
  } catch (error) {
    const output = String((error as { stdout?: Buffer }).stdout) + String((error as { stderr?: Buffer }).stderr);
    return errorsByFile(output, /^(\/\S+\.py):\d+:(?:\d+:)? (?!.*(?:imported but unused|is assigned to but never used|redefinition of unused))(.*)$/);
  }
}

function errorsByFile(output: string, pattern: RegExp): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const match = pattern.exec(line);
    if (match) {
      errors.set(match[1], [...(errors.get(match[1]) ?? []), match[2]]);
    }
  }
  return errors;
}
