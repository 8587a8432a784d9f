import { aws_s3 as s3, aws_sqs as sqs, aws_ssm as ssm } from 'aws-cdk-lib';
import { testApp, testStack } from './app';
import { NAG_PACKS, nagFindings } from './nag';

describe('the cdk-nag helper', () => {
  test('runs all four packs: each reports a known violation (canary)', () => {
    // GIVEN resources every pack flags
    const app = testApp();
    const stack = testStack('Canary', {}, app);
    new s3.Bucket(stack, 'PlainBucket');
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    // WHEN
    const findings = nagFindings(app);

    // THEN
    expect(new Set(findings.map((finding) => finding.pack))).toEqual(new Set(NAG_PACKS));
    expect(findings).toEqual(expect.arrayContaining([
      { pack: 'AwsSolutions', rule: 'AwsSolutions-S10', path: 'Canary/PlainBucket/Resource' },
      { pack: 'NIST.800.53.R5', rule: 'NIST.800.53.R5-S3DefaultEncryptionKMS', path: 'Canary/PlainBucket/Resource' },
      { pack: 'HIPAA.Security', rule: 'HIPAA.Security-S3DefaultEncryptionKMS', path: 'Canary/PlainBucket/Resource' },
      { pack: 'PCI.DSS.321', rule: 'PCI.DSS.321-S3DefaultEncryptionKMS', path: 'Canary/PlainBucket/Resource' },
    ]));
  });

  test('reports nothing for a stack no rule applies to', () => {
    const app = testApp();
    new ssm.StringParameter(testStack('Quiet', {}, app), 'Parameter', { stringValue: 'not a secret' });
    expect(nagFindings(app)).toEqual([]);
  });
});
