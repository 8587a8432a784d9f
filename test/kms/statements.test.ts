import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyAccess } from '../../src/kms';
import { administrationActions, awsServiceGrantsOnlyStatement, deploymentPrincipalStatement, organizationStatement } from '../../src/kms/private/statements';
import { ACCOUNT } from '../util/app';

/** Statement JSON with the principals' partition tokens resolved. */
function json(statement: iam.PolicyStatement): any {
  return new Stack().resolve(statement.toStatementJson());
}

const NOT_IMPORTED_OR_REPLICATED = { deletion: true, importedMaterial: false, multiRegion: false };

describe('key-policy statement builders', () => {
  test('administration: AWS\'s list without kms:Delete*, with deletion scheduling', () => {
    const actions = administrationActions(NOT_IMPORTED_OR_REPLICATED);
    expect(actions).toContain('kms:Put*');
    expect(actions).toEqual(expect.arrayContaining(['kms:DeleteAlias', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion']));
    expect(actions).not.toEqual(expect.arrayContaining(['kms:Delete*']));
    expect(actions).not.toEqual(expect.arrayContaining(['kms:ImportKeyMaterial']));
    expect(actions).not.toEqual(expect.arrayContaining(['kms:ReplicateKey']));
  });

  test.each<[string, Partial<typeof NOT_IMPORTED_OR_REPLICATED>, string, boolean]>([
    ['without deletion', { deletion: false }, 'kms:ScheduleKeyDeletion', false],
    ['imported material', { importedMaterial: true }, 'kms:ImportKeyMaterial', true],
    ['a multi-Region key', { multiRegion: true }, 'kms:ReplicateKey', true],
  ])('administration of %s', (_name, scope, action, included) => {
    expect(administrationActions({ ...NOT_IMPORTED_OR_REPLICATED, ...scope }).includes(action)).toBe(included);
  });

  test('the deployment principal gets the actions it is given, under its own Sid', () => {
    const role = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/Deployer`);
    expect(json(deploymentPrincipalStatement(role, ['kms:PutKeyPolicy']))).toEqual({
      Sid: 'KeyDeployment',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Deployer` },
      Action: 'kms:PutKeyPolicy',
      Resource: '*',
    });
  });

  test('the grant limit denies grants outside AWS services, for every grantee but the exempt ones', () => {
    expect(json(awsServiceGrantsOnlyStatement()).Condition).toEqual({
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    });
    expect(json(awsServiceGrantsOnlyStatement(['arn:aws:iam::${aws:PrincipalAccount}:role/x'])).Condition).toEqual({
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      StringNotEquals: { 'kms:GranteePrincipal': ['arn:aws:iam::${aws:PrincipalAccount}:role/x'] },
    });
  });

  test('an organization statement excludes the key\'s own account', () => {
    expect(json(organizationStatement('o-abcdef1234', ACCOUNT, KeyAccess.DECRYPT))).toEqual({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' },
        StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT },
      },
    });
  });
});
