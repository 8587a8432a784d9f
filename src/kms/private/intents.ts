import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { crossStackGranteeProblem, isGranteeInOtherStack } from './cross-stack';
import {
  accessActions,
  accountRootStatement,
  accountStatement,
  administratorsStatement,
  awsServiceGrantsOnlyStatement,
  organizationStatement,
  principalArnPatternStatement,
  viaServiceConditions,
} from './statements';
import { validateOrganizationId, validatePrincipalArnPattern, validateServiceName } from './validation';
import { accountIdProblem, present, throwIfInvalid } from '../../private/validation';
import { KeyAccess } from '../key-access';

/**
 * The typed policy intents shared by every key this library defines (`CustomerManagedKey`,
 * `ReplicaKey`): each validates its input, then adds statements from `statements.ts`.
 */

/**
 * The statements every key starts with: the account root (unless opted out), the administrators, and
 * the limit of grant creation to AWS services (unless the key must allow direct grants).
 */
export function addBaseStatements(
  key: kms.IKey,
  trustAccountIdentities: boolean,
  administrators: iam.IPrincipal[],
  allowGrantsOutsideAwsServices: boolean,
): void {
  if (trustAccountIdentities) {
    key.addToResourcePolicy(accountRootStatement());
  }
  if (!allowGrantsOutsideAwsServices) {
    key.addToResourcePolicy(awsServiceGrantsOnlyStatement());
  }
  if (administrators.length > 0) {
    key.addToResourcePolicy(administratorsStatement(administrators));
  }
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
  if (isGranteeInOtherStack(key, grantee)) {
    return principalGrant;
  }
  // The key-policy statement is built here: Grant.addToPrincipalAndResource leaves its conditions out
  // before aws-cdk-lib 2.276, which would allow use through every service.
  const statement = new iam.PolicyStatement({
    actions: options.actions,
    resources: ['*'],
    principals: [grantee.grantPrincipal],
    conditions: options.conditions,
  });
  return principalGrant.combine(iam.Grant.addStatementToResourcePolicy({ ...options, resourceArns: ['*'], resource: key, statement }));
}

export function allowPrincipalsMatching(key: kms.IKey, arnPattern: string, access: KeyAccess): void {
  throwIfInvalid(key, present(validatePrincipalArnPattern(arnPattern)));
  const account = Token.isUnresolved(arnPattern) ? Stack.of(key).account : arnPattern.split(':')[4];
  key.addToResourcePolicy(principalArnPatternStatement(account, [arnPattern], access));
}

export function allowOrganization(key: kms.IKey, organizationId: string, access: KeyAccess): void {
  throwIfInvalid(key, present(validateOrganizationId(organizationId)));
  key.addToResourcePolicy(organizationStatement(organizationId, access));
}

export function allowAccount(key: kms.IKey, accountId: string, access: KeyAccess): void {
  throwIfInvalid(key, present(accountIdProblem('accountId', accountId)));
  key.addToResourcePolicy(accountStatement(accountId, access));
}
