import { Match, Template } from 'aws-cdk-lib/assertions';
import { app } from '../../integ/kms/integ.multi-region';

jest.setTimeout(120_000);

describe('the two-Region integ app (integ/kms/integ.multi-region.ts)', () => {
  const assembly = app.synth();
  const template = (stackName: string) => Template.fromJSON(assembly.getStackByName(stackName).template);

  test('synthesizes without a warning, as `cdk synth --strict` requires', () => {
    const warnings = assembly.stacks.flatMap((stack) => stack.messages.filter((message) => message.level !== 'info'));
    expect(warnings.map((message) => `${message.id}: ${message.entry.data}`)).toEqual([]);
  });

  test('the replica reads the primary ARN CDK wrote to its Region, and deploys after the primary', () => {
    template('MultiRegionReplica').hasResourceProperties('AWS::KMS::ReplicaKey', {
      PrimaryKeyArn: { 'Fn::GetAtt': ['ExportsReader8B249524', Match.stringLikeRegexp('^/cdk/exports/MultiRegionReplica/MultiRegionPrimaryuseast1FnGetAttPrimary.*Arn')] },
    });
    expect(assembly.getStackByName('MultiRegionReplica').dependencies.map((dependency) => dependency.id)).toContain('MultiRegionPrimary');
  });

  test('the secret replicates with the ReplicaKey, whose policy lets Secrets Manager in us-west-2 use it, after the replica is deployed', () => {
    template('MultiRegionApp').hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: { 'Fn::GetAtt': ['ExportsReader8B249524', Match.stringLikeRegexp('^/cdk/exports/MultiRegionApp/MultiRegionReplicauswest2FnGetAttReplica.*Arn')] } }],
    });
    const statements = Object.values(template('MultiRegionReplica').findResources('AWS::KMS::ReplicaKey'))[0].Properties.KeyPolicy.Statement;
    // Principals of the account, through Secrets Manager in us-west-2, for the account's secrets (any Region) only.
    expect(JSON.stringify(statements)).toMatch(/"kms:ViaService":\{"Fn::Join":\["",\["secretsmanager\.us-west-2\.".*"kms:EncryptionContext:SecretARN":\{"Fn::Join":.*:secretsmanager:\*:111111111111:secret:\*"/);
    expect(assembly.getStackByName('MultiRegionApp').dependencies.map((dependency) => dependency.id)).toContain('MultiRegionReplica');
  });
});
