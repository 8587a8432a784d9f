import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ExternalKeyRing, ExternalKeyRingProps } from '../../src/kms';
import { ACCOUNT, testApp, testStack } from '../util/app';
import { expectNoNagFindings } from '../util/nag';

describe('ExternalKeyRing', () => {
  test('one retained EXTERNAL key per generation; the alias names the last one', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });

    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::KMS::Key', { Origin: 'EXTERNAL', EnableKeyRotation: false }, 2);
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/payments',
      TargetKeyId: { 'Fn::GetAtt': [stack.getLogicalId(ring.keys[1].node.defaultChild as any), 'Arn'] },
    });
    expect(ring.currentKey).toBe(ring.keys[1]);
    expect(Object.keys(template.toJSON().Resources)).toEqual(['RingGenerationv10A4A11D3', 'RingGenerationv232DD9891', 'RingAlias222F267A']);
  });

  test('the alias stays on the named current generation until its material is imported', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'alias/payments', generations: ['v1', 'v2'], currentGeneration: 'v1' });
    expect(ring.currentKey).toBe(ring.keys[0]);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/payments',
      TargetKeyId: { 'Fn::GetAtt': [stack.getLogicalId(ring.keys[0].node.defaultChild as any), 'Arn'] },
    });
  });

  test('grantEncryptDecrypt: encrypt with the current key, decrypt with every generation', () => {
    const stack = testStack();
    const ring = new ExternalKeyRing(stack, 'Ring', { alias: 'payments', generations: ['v1', 'v2'] });
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    ring.grantEncryptDecrypt(app);

    const statements: any[] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    const keyArn = (index: number) => ({ 'Fn::GetAtt': [stack.getLogicalId(ring.keys[index].node.defaultChild as any), 'Arn'] });
    const actionsOn = (index: number) => statements
      .filter((statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(keyArn(index))))
      .flatMap((statement) => statement.Action);
    expect(actionsOn(1)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt']));
    expect(actionsOn(0)).toContain('kms:Decrypt');
    expect(actionsOn(0)).not.toContain('kms:Encrypt');
  });

  test.each<[string, ExternalKeyRingProps, string]>([
    ['no generation', { alias: 'a', generations: [] },
      "`generations` must name at least one generation, got none. Start with one, e.g. ['v1']."],
    ['a generation name with other characters', { alias: 'a', generations: ['v-1'] },
      "`generations` entries must be 1 to 32 letters or digits, got 'v-1'."],
    ['a repeated generation', { alias: 'a', generations: ['v1', 'v1'] },
      "`generations` must not repeat a name, got 'v1' twice. Give each generation its own name."],
    ['an unknown current generation', { alias: 'a', generations: ['v1'], currentGeneration: 'v2' },
      "`currentGeneration` must be one of `generations` (v1), got 'v2'."],
  ])('rejects %s', (_name, props, message) => {
    expect(() => new ExternalKeyRing(testStack(), 'Ring', props)).toThrow(`[TestStack/Ring] Invalid configuration: ${message}`);
  });

  test('cdk-nag: no findings (manual rotation is acknowledged on each key, with the reason)', () => {
    const app = testApp();
    new ExternalKeyRing(testStack('Ring', {}, app), 'Ring', {
      alias: 'payments',
      generations: ['v1', 'v2'],
      administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/KeyAdmin`)],
    });
    expectNoNagFindings(app);
  });
});
