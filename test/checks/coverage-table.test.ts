import * as fs from 'fs';
import * as path from 'path';
import { kmsKeyPropertiesOfSpec } from './coverage-spec';
import { coverageMarkdown, withCoverageTable } from '../../scripts/coverage-readme';
import { EncryptionChecks } from '../../src/checks';
import { COVERAGE } from '../../src/checks/private/key-coverage/coverage';
import { KEY_PROPERTY_ROWS } from '../../src/checks/private/key-coverage/key-property-rows';

const spec = kmsKeyPropertiesOfSpec();
const covered = new Map(COVERAGE.map((row) => [row.resourceType, row]));

describe('every resource type of the installed specification that takes a KMS key is judged or explained', () => {
  test('the specification was read (a detection that finds nothing would pass everything)', () => {
    expect(spec.size).toBeGreaterThan(200);
    expect(spec.get('AWS::SQS::Queue')).toEqual(['KmsMasterKeyId']);
    expect(spec.get('AWS::DynamoDB::GlobalTable')).toEqual(['Replicas[].SSESpecification.KMSMasterKeyId']);
  });

  test('no type of the specification is missing from the table', () => {
    expect([...spec.keys()].filter((type) => !covered.has(type))).toEqual([]);
  });

  test('no type in the table is gone from the specification', () => {
    expect([...covered.keys()].filter((type) => !spec.has(type))).toEqual([]);
  });

  test('each type lists exactly the key properties the specification has', () => {
    const differing = [...spec.entries()]
      .filter(([type, paths]) => JSON.stringify([...covered.get(type)?.keyPaths ?? []].sort()) !== JSON.stringify(paths))
      .map(([type, paths]) => ({ type, spec: paths, table: covered.get(type)?.keyPaths }));
    expect(differing).toEqual([]);
  });

  test('each type is judged by rules that exist, or says why no rule can', () => {
    const ruleIds = new Set(EncryptionChecks.rules().map((rule) => rule.ruleId));
    const unjudged = COVERAGE.filter((row) => row.rules.length === 0 && !row.notJudged).map((row) => row.resourceType);
    const unknownRules = COVERAGE.flatMap((row) => row.rules.filter((rule) => !ruleIds.has(`cdk-kms-encryption::${rule}`)).map((rule) => `${row.resourceType}: ${rule}`));
    const notCheckingTheirType = COVERAGE.flatMap((row) => row.rules.filter((rule) =>
      !EncryptionChecks.rules().find((candidate) => candidate.ruleId === `cdk-kms-encryption::${rule}`)?.resourceTypes.includes(row.resourceType)).map((rule) => `${row.resourceType}: ${rule}`));
    expect({ unjudged, unknownRules, notCheckingTheirType }).toEqual({ unjudged: [], unknownRules: [], notCheckingTheirType: [] });
  });

  test('rule ids are unique, and each data row names a key to judge', () => {
    const ids = EncryptionChecks.RULE_IDS;
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(KEY_PROPERTY_ROWS.filter((row) => !row.key && !row.also?.length).map((row) => row.resourceType)).toEqual([]);
  });
});

test("the README's coverage table is generated from the table (npx ts-node --project scripts/tsconfig.json scripts/coverage-readme.ts)", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(withCoverageTable(readme, coverageMarkdown())).toEqual(readme);
  expect(readme).toContain('| `AWS::Athena::WorkGroup` |');
});
