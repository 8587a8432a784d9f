/**
 * Writes the README's EncryptionChecks coverage table from `src/checks/private/key-coverage/coverage.ts`,
 * between `<!-- coverage:begin -->` and `<!-- coverage:end -->`, so it is never written by hand
 * (test/checks/coverage-table.test.ts fails when it is not current):
 *
 *   npx ts-node --project scripts/tsconfig.json scripts/coverage-readme.ts [README.md]
 */
import * as fs from 'fs';
import * as path from 'path';
import { COVERAGE } from '../src/checks/private/key-coverage/coverage';

export const COVERAGE_BEGIN = '<!-- coverage:begin -->';
export const COVERAGE_END = '<!-- coverage:end -->';

/** The coverage table as Markdown: one row per resource type of the specification that takes a KMS key. */
export function coverageMarkdown(): string {
  const judged = COVERAGE.filter((row) => row.rules.length > 0).length;
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `${COVERAGE.length} resource types of the CloudFormation specification (\`@aws-cdk/aws-service-spec\`) take a KMS key; rules judge ${judged}, `
      + `and the other ${COVERAGE.length - judged} say why none can. Written by \`scripts/coverage-readme.ts\` from \`src/checks/private/key-coverage/\`.`,
    '',
    '| resource type | key properties | switched on by | compliant when | rules (`cdk-kms-encryption::` …) or why none |',
    '|---|---|---|---|---|',
    ...COVERAGE.map((row) => `| \`${row.resourceType}\` | ${row.keyPaths.map((keyPath) => `\`${keyPath}\``).join('<br>')} | ${cell(row.switchedOnBy) || '-'} | ${cell(row.meaning)} | `
      + `${[row.rules.map((rule) => `\`${rule}\``).join(', '), row.notJudged ? cell(row.notJudged) : ''].filter((text) => text.length > 0).join(' ')} |`),
  ].join('\n');
}

/** The README with the text between the coverage markers replaced by `markdown`. */
export function withCoverageTable(readme: string, markdown: string): string {
  const begin = readme.indexOf(COVERAGE_BEGIN);
  const end = readme.indexOf(COVERAGE_END);
  if (begin < 0 || end < begin) {
    throw new Error(`scripts/coverage-readme: the README has no ${COVERAGE_BEGIN} … ${COVERAGE_END} block`);
  }
  return `${readme.slice(0, begin + COVERAGE_BEGIN.length)}\n${markdown}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const [readme = path.join(__dirname, '..', 'README.md')] = process.argv.slice(2);
  fs.writeFileSync(readme, withCoverageTable(fs.readFileSync(readme, 'utf8'), coverageMarkdown()));
  console.log(`Wrote the coverage table of ${path.relative(process.cwd(), readme)}`);
}
