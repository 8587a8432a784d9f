import { CfnDeletionPolicy, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { accessActions, accountRootStatement, accountStatement, AdministrationScope, administrationActions, administratorsStatement, awsServiceGrantsOnlyStatement, deploymentPrincipalStatement, organizationStatement, principalArnPatternStatement } from './statements';
import { validateOrganizationId, validatePrincipalArnPattern, validateServiceName } from './validation';
import { acknowledgeOrganizationPrincipal } from '../../private/acknowledgements';
import { viaServiceConditions } from '../../private/key-use/conditions';
import { crossStackGranteeProblem, isGranteeInOtherStack } from '../../private/key-use/cross-stack';
import { withOtherGenerations } from '../../private/key-use/key-ring';
import { accountIdProblem, present, throwIfInvalid } from '../../private/validation';
import { KeyAccess } from '../key-access';

/**
 * The typed policy intents shared by every key this library defines (`CustomerManagedKey`,
 * `ReplicaKey`): each validates its input, then adds statements from `statements.ts`.
 */

/** What decides the statements every key starts with. */
export interface BaseStatements {
  readonly trustAccountIdentities: boolean;
  readonly administrators: iam.IPrincipal[];
  /** The principal deploying the key; the key policy names it when the account is not trusted. */
  readonly deploymentPrincipal?: iam.IPrincipal;
  readonly administration: AdministrationScope;
  readonly allowGrantsOutsideAwsServices: boolean;
}

/** The grant-creation deny of each key defined in this app, to exempt grantees from later. */
const grantLimits = new WeakMap<kms.IKey, iam.PolicyStatement>();

/**
 * The statements every key starts with: the account root (unless opted out; then the deploying principal
 * instead, so the policy passes KMS's lockout safety check), the administrators, and the limit of grant
 * creation to AWS services (unless the key must allow direct grants).
 */
export function addBaseStatements(key: kms.IKey, base: BaseStatements): void {
  if (base.trustAccountIdentities) {
    key.addToResourcePolicy(accountRootStatement());
  } else if (base.deploymentPrincipal) {
    // CloudFormation schedules the deletion of a key it deletes; of a retained key, only whoever may anyway.
    key.addToResourcePolicy(deploymentPrincipalStatement(
      base.deploymentPrincipal,
      administrationActions({ ...base.administration, deletion: base.administration.deletion || !isRetained(key) }),
    ));
  }
  if (!base.allowGrantsOutsideAwsServices) {
    const limit = awsServiceGrantsOnlyStatement();
    grantLimits.set(key, limit);
    key.addToResourcePolicy(limit);
  }
  if (base.administrators.length > 0) {
    key.addToResourcePolicy(administratorsStatement(base.administrators, administrationActions(base.administration)));
  }
}

/**
 * Lets principals create grants outside AWS services for one grantee (a pattern with policy variables),
 * keeping the deny for every other grantee. Does nothing on a key that does not limit grants.
 */
export function exemptGranteeFromGrantLimit(key: kms.IKey, grantee: string): void {
  grantLimits.get(key)?.addCondition('StringNotEquals', { 'kms:GranteePrincipal': grantee });
}

/**
 * Grants use through one service, in the grantee's policy and the key policy. A grantee in another stack
 * of a key that trusts account identities gets it in its own policy only: the key policy delegates to
 * IAM, and naming the grantee there would make each stack depend on the other.
 */
export function grantViaService(
  key: kms.IKey,
  trustsAccountIdentities: boolean,
  grantee: iam.IGrantable,
  service: string,
  access: KeyAccess,
): iam.Grant {
  throwIfInvalid(key, present(validateServiceName(service), crossStackGranteeProblem(key, trustsAccountIdentities, grantee)));
  const options = {
    grantee,
    actions: accessActions(access),
    resourceArns: [key.keyArn],
    conditions: { StringEquals: viaServiceConditions(service, Stack.of(key)) },
  };
  const principalGrant = iam.Grant.addToPrincipal(options);
  // The key-policy statement is built here: Grant.addToPrincipalAndResource leaves its conditions out
  // before aws-cdk-lib 2.276, which would allow use through every service.
  const grant = isGranteeInOtherStack(key, grantee) ? principalGrant : principalGrant.combine(iam.Grant.addStatementToResourcePolicy({
    ...options,
    resourceArns: ['*'],
    resource: key,
    statement: new iam.PolicyStatement({ actions: options.actions, resources: ['*'], principals: [grantee.grantPrincipal], conditions: options.conditions }),
  }));
  return withOtherGenerations(grant, key, grantee, options.actions, options.conditions);
}

export function allowPrincipalsMatching(key: kms.IKey, arnPattern: string, access: KeyAccess): void {
  throwIfInvalid(key, present(validatePrincipalArnPattern(arnPattern)));
  const account = Token.isUnresolved(arnPattern) ? Stack.of(key).account : arnPattern.split(':')[4];
  key.addToResourcePolicy(principalArnPatternStatement(account, [arnPattern], access));
}

export function allowOrganization(key: kms.IKey, organizationId: string, access: KeyAccess): void {
  throwIfInvalid(key, present(validateOrganizationId(organizationId)));
  key.addToResourcePolicy(organizationStatement(organizationId, Stack.of(key).account, access));
  acknowledgeOrganizationPrincipal(key);
}

export function allowAccount(key: kms.IKey, accountId: string, access: KeyAccess): void {
  throwIfInvalid(key, present(accountIdProblem('accountId', accountId)));
  key.addToResourcePolicy(accountStatement(accountId, access));
}

/** Whether CloudFormation keeps the key when it leaves the stack or is replaced (its removal policy, applied by the constructor). */
function isRetained(key: kms.IKey): boolean {
  const options = (key.node.defaultChild as CfnResource).cfnOptions;
  return options.deletionPolicy === CfnDeletionPolicy.RETAIN && options.updateReplacePolicy === CfnDeletionPolicy.RETAIN;
}
