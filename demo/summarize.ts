/**
 * Prints what each stack of a synthesized cloud assembly defines, in the terms of this library: each
 * key, bucket, log group, parameter and secret with what it is for, which keys do not rotate and why,
 * and where to look next.
 */
import * as fs from 'fs';
import * as path from 'path';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

type Resources = Record<string, Resource>;

/** How to describe one resource of a type: what it is, and what it is for. */
const DESCRIBE: Record<string, (resource: Resource, logicalId: string, all: Resources) => string> = {
  'AWS::KMS::Key': (key, logicalId, all) => `KMS key${aliasOf(logicalId, all)}: ${keyRotation(key)}`,
  'AWS::KMS::ReplicaKey': () => 'KMS replica key: rotates with its primary key, in the primary\'s Region',
  'AWS::S3::Bucket': (bucket) => (sseAlgorithm(bucket) === 'AES256'
    ? 'access-logs bucket, SSE-S3 because S3 log delivery cannot use KMS'
    : `data bucket, ${sseAlgorithm(bucket)} with its key, TLS and key enforced by the bucket policy`),
  'AWS::Logs::LogGroup': (logGroup) => `log group, encrypted with its key, ${logGroup.Properties?.RetentionInDays ? `kept ${logGroup.Properties.RetentionInDays} days` : 'kept forever'}`,
  'Custom::SecureStringParameter': (parameter) => `SecureString parameter${literalName(parameter)}, value ${valueSource(parameter)}`,
  'AWS::SecretsManager::Secret': () => 'secret, encrypted with its key',
  'AWS::SecretsManager::RotationSchedule': (schedule) => `rotation schedule, ${schedule.Properties?.RotationRules?.ScheduleExpression ?? 'hosted rotation'}`,
  'AWS::Lambda::Function': () => 'Lambda function (a custom resource handler or rotation function; its path says whose)',
};

function main(outdir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.entries<any>(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  for (const [name, artifact] of stacks) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
    const resources: Resources = template.Resources ?? {};
    console.log(`\n${name} (${artifact.environment.replace('aws://', '')}), ${count(Object.keys(resources).length, 'resource')}:`);
    for (const [logicalId, resource] of Object.entries(resources)) {
      const describe = DESCRIBE[resource.Type];
      if (describe) {
        console.log(`  ${constructPath(logicalId, resource)}: ${describe(resource, logicalId, resources)}`);
      }
    }
    const grants = Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy').length;
    if (grants > 0) {
      console.log(`  and ${count(grants, 'IAM policy', 'IAM policies')} with the grants (kms:ViaService-scoped key use)`);
    }
  }
  const templates = stacks.map(([, artifact]) => path.join(outdir, artifact.properties.templateFile));
  console.log(`\nNext: read the templates (${templates.join(', ')}), run \`cdk diff\` before deploying, and see README.md for each construct's options.`);
}

function keyRotation(key: Resource): string {
  const properties = key.Properties ?? {};
  if (properties.EnableKeyRotation) {
    return `rotates every ${properties.RotationPeriodInDays ?? 365} days`;
  }
  if (properties.Origin === 'EXTERNAL') {
    return 'does not rotate: KMS cannot rotate imported key material (an ExternalKeyRing rotates by moving its alias to a new key)';
  }
  if (properties.KeySpec !== undefined && properties.KeySpec !== 'SYMMETRIC_DEFAULT') {
    return `does not rotate: KMS rotates only symmetric encryption keys, this is ${properties.KeySpec}`;
  }
  return 'does not rotate';
}

function aliasOf(keyLogicalId: string, all: Resources): string {
  const alias = Object.values(all).find((resource) => resource.Type === 'AWS::KMS::Alias'
    && JSON.stringify(resource.Properties?.TargetKeyId).includes(`"${keyLogicalId}"`));
  return alias ? ` ${alias.Properties?.AliasName}` : '';
}

function sseAlgorithm(bucket: Resource): string {
  return bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm ?? 'no default encryption';
}

function valueSource(parameter: Resource): string {
  const kind = parameter.Properties?.Value?.Kind;
  return kind === 'secret' ? 'copied from a secret' : kind === 'plainText' ? 'given in plain text (unsafe)' : 'generated at deploy time';
}

function literalName(parameter: Resource): string {
  const name = parameter.Properties?.Name;
  return typeof name === 'string' ? ` ${name}` : '';
}

/** The construct path cdk writes into each resource's metadata, without the stack; else the logical id. */
function constructPath(logicalId: string, resource: Resource): string {
  const cdkPath: string | undefined = resource.Metadata?.['aws:cdk:path'];
  return cdkPath ? cdkPath.split('/').slice(1).join('/') : logicalId;
}

function count(amount: number, singular: string, plural = `${singular}s`): string {
  return `${amount} ${amount === 1 ? singular : plural}`;
}

main(process.argv[2] ?? 'cdk.out');
