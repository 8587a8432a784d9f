import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { isPublicWithoutNarrowing, PRINCIPAL_NARROWING_KEYS } from '../../src/private/public-principal';

function allow(principal: iam.IPrincipal, conditions?: Record<string, Record<string, unknown>>, effect = iam.Effect.ALLOW) {
  return new iam.PolicyStatement({ effect, principals: [principal], actions: ['s3:GetObject'], resources: ['*'], conditions });
}

describe('isPublicWithoutNarrowing', () => {
  test.each<[string, iam.PolicyStatement, boolean]>([
    ['AnyPrincipal without a condition', allow(new iam.AnyPrincipal()), true],
    ['StarPrincipal without a condition', allow(new iam.StarPrincipal()), true],
    ['everyone with only aws:SecureTransport', allow(new iam.AnyPrincipal(), { Bool: { 'aws:SecureTransport': 'true' } }), true],
    ['everyone in one organization', allow(new iam.AnyPrincipal(), { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), false],
    ['everyone in an OU path', allow(new iam.AnyPrincipal(), { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } }), false],
    ['a condition key spelled in another case', allow(new iam.AnyPrincipal(), { StringEquals: { 'AWS:PRINCIPALACCOUNT': '111111111111' } }), false],
    ['the account of a stack (a token)', allow(new iam.AnyPrincipal(), { StringEquals: { 'aws:PrincipalAccount': new Stack().account } }), false],
    ['a negated comparison, which matches absent keys', allow(new iam.AnyPrincipal(), { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), true],
    ['an IfExists comparison, which matches absent keys', allow(new iam.AnyPrincipal(), { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), true],
    ['a wildcard value', allow(new iam.AnyPrincipal(), { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/reader' } }), true],
    ['a policy variable', allow(new iam.AnyPrincipal(), { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } }), true],
    ['Null on a narrowing key (only "present")', allow(new iam.AnyPrincipal(), { Null: { 'aws:PrincipalOrgID': 'false' } }), true],
    ['a named account', allow(new iam.AccountPrincipal('111111111111')), false],
    ['a deny for everyone', allow(new iam.AnyPrincipal(), undefined, iam.Effect.DENY), false],
  ])('%s', (_name, statement, expected) => {
    expect(isPublicWithoutNarrowing(statement, PRINCIPAL_NARROWING_KEYS)).toBe(expected);
  });

  test('NotPrincipal in an Allow is everyone else', () => {
    const statement = new iam.PolicyStatement({ notPrincipals: [new iam.AccountPrincipal('111111111111')], actions: ['s3:GetObject'], resources: ['*'] });
    expect(isPublicWithoutNarrowing(statement, PRINCIPAL_NARROWING_KEYS)).toBe(true);
  });

  test('a caller may add its own narrowing keys', () => {
    const statement = allow(new iam.AnyPrincipal(), { StringEquals: { 'kms:CallerAccount': '111111111111' } });
    expect(isPublicWithoutNarrowing(statement, PRINCIPAL_NARROWING_KEYS)).toBe(true);
    expect(isPublicWithoutNarrowing(statement, [...PRINCIPAL_NARROWING_KEYS, 'kms:CallerAccount'])).toBe(false);
  });
});
