/**
 * Prints what each stack of a synthesized cloud assembly defines, in the terms of this library:
 * keys, buckets, log groups, parameters, secrets and key-policy grants.
 */
import * as fs from 'fs';
import * as path from 'path';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** What to count, by CloudFormation type, and how to describe one. */
const KINDS: Array<{ label: string; type: string; detail?: (r: Resource) => string }> = [
  {
    label: 'KMS keys',
    type: 'AWS::KMS::Key',
    detail: (r) => `${r.Properties?.KeySpec ?? 'SYMMETRIC_DEFAULT'}${r.Properties?.EnableKeyRotation ? `, rotates every ${r.Properties?.RotationPeriodInDays} days` : ''}, ${r.Properties?.KeyPolicy?.Statement?.length ?? 0} key-policy statements`,
  },
  { label: 'KMS replica keys', type: 'AWS::KMS::ReplicaKey', detail: (r) => `${r.Properties?.KeyPolicy?.Statement?.length ?? 0} key-policy statements` },
  { label: 'key aliases', type: 'AWS::KMS::Alias', detail: (r) => String(r.Properties?.AliasName) },
  { label: 'S3 buckets', type: 'AWS::S3::Bucket', detail: (r) => r.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm ?? 'no default encryption' },
  { label: 'log groups', type: 'AWS::Logs::LogGroup', detail: (r) => `${r.Properties?.KmsKeyId ? 'KMS' : 'no key'}, ${r.Properties?.RetentionInDays ?? 'never-expiring'} days` },
  { label: 'SecureString parameters', type: 'Custom::SecureStringParameter' },
  { label: 'secrets', type: 'AWS::SecretsManager::Secret', detail: (r) => (r.Properties?.KmsKeyId ? 'KMS' : 'aws/secretsmanager') },
  { label: 'rotation schedules', type: 'AWS::SecretsManager::RotationSchedule' },
  { label: 'Lambda functions', type: 'AWS::Lambda::Function' },
  { label: 'IAM policies (grants)', type: 'AWS::IAM::Policy' },
  { label: 'IAM managed policies', type: 'AWS::IAM::ManagedPolicy' },
];

function main(outdir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.entries<any>(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  for (const [name, artifact] of stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
    const resources = Object.values<Resource>(template.Resources ?? {});
    console.log(`\n${name} (${artifact.environment.replace('aws://', '')}): ${resources.length} resources`);
    for (const kind of KINDS) {
      const matching = resources.filter((r) => r.Type === kind.type);
      if (matching.length === 0) {
        continue;
      }
      const details = kind.detail ? summarizeDetails(matching.map(kind.detail)) : '';
      console.log(`  ${String(matching.length).padStart(3)} ${kind.label}${details}`);
    }
  }
}

/** "a ×2; b" for repeated details. */
function summarizeDetails(details: string[]): string {
  const counts = new Map<string, number>();
  details.forEach((detail) => counts.set(detail, (counts.get(detail) ?? 0) + 1));
  return `: ${[...counts].map(([detail, count]) => (count > 1 ? `${detail} ×${count}` : detail)).join('; ')}`;
}

main(process.argv[2] ?? 'cdk.out');
