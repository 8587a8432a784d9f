import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CustomerManagedKey, CustomerManagedKeyProps, ReplicaKey } from '../../src/kms';
import { ACCOUNT, REGION, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { Decision, evaluate } from '../util/policy';

/**
 * The `KeyDeployment` statement of a key that does not trust account identities, evaluated with the IAM
 * engine: CloudFormation's execution role may schedule the key's deletion only when CloudFormation deletes
 * it (a key that is not retained) or when administrators may too; a retained key whose administrators may
 * not delete it cannot be deleted by the deployer either.
 */

jest.setTimeout(60_000); // the first synthesis of a test file loads aws-cdk-lib

const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
/** CloudFormation acts as a session of its execution role. */
const EXECUTION_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`;
const ADMINISTRATOR = `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`;

/** The deployer's decision on `action` against the only key of `stack`, with an IAM policy allowing it everything. */
async function deployerMay(stack: Stack, action: string): Promise<Decision> {
  const intrinsics = new Intrinsics(stack);
  const template = Template.fromStack(stack).toJSON();
  const keyId = Object.keys(template.Resources).find((id) => template.Resources[id].Type.startsWith('AWS::KMS::'))!;
  return evaluate(intrinsics.resolve(template.Resources[keyId].Properties.KeyPolicy), {
    principal: EXECUTION_SESSION,
    action,
    resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalArn': EXECUTION_ROLE },
    identityStatements: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
  });
}

function trustOffKey(props: CustomerManagedKeyProps): Stack {
  const stack = testStack();
  new CustomerManagedKey(stack, 'Key', { trustAccountIdentities: false, administrators: [new iam.ArnPrincipal(ADMINISTRATOR)], ...props });
  return stack;
}

describe('the deploying principal of a key that does not trust account identities', () => {
  test.each<[string, CustomerManagedKeyProps, Decision]>([
    ['may not schedule deletion of a retained key whose administrators may not', { administratorsCanDeleteKey: false }, 'ImplicitlyDenied'],
    ['may schedule deletion of a retained key whose administrators may', {}, 'Allowed'],
    ['may schedule deletion of a key CloudFormation deletes, whatever administrators may', { administratorsCanDeleteKey: false, removalPolicy: RemovalPolicy.DESTROY }, 'Allowed'],
  ])('%s', async (_name, props, decision) => {
    const stack = trustOffKey(props);
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion']) {
      await expect(deployerMay(stack, action)).resolves.toBe(decision);
    }
  });

  test.each(['kms:PutKeyPolicy', 'kms:UpdateKeyDescription', 'kms:TagResource'])('still may call %s when it may not delete the key', async (action) => {
    await expect(deployerMay(trustOffKey({ administratorsCanDeleteKey: false }), action)).resolves.toBe('Allowed');
  });

  test('of a retained ReplicaKey whose administrators may not delete it may not schedule its deletion', async () => {
    const stack = testStack();
    new ReplicaKey(stack, 'Replica', {
      primaryKey: CustomerManagedKey.fromKeyArn(stack, 'Primary', `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`),
      trustAccountIdentities: false,
      administrators: [new iam.ArnPrincipal(ADMINISTRATOR)],
      administratorsCanDeleteKey: false,
    });
    await expect(deployerMay(stack, 'kms:ScheduleKeyDeletion')).resolves.toBe('ImplicitlyDenied');
  });
});
