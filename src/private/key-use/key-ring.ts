import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ManagedKeyPolicy } from '../../kms/private/managed-key-policy';

/**
 * Data written under one generation of an `ExternalKeyRing` stays encrypted under that generation's key
 * after the alias moves on. So every use of one generation that reads data — a service statement in its
 * key policy, a grant in a principal's IAM policy — is repeated, decryption only, on every other generation.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys-manually.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */

/** One generation of a ring: its key (defined in this app, so its policy is editable) and its name. */
export interface Generation {
  readonly key: kms.IKey;
  readonly name: string;
}

const generationsByKey = new WeakMap<kms.IKey, Generation[]>();

/** Makes the keys one ring: from now on, what reads data under one reads it under all. */
export function linkGenerations(generations: Generation[]): void {
  for (const generation of generations) {
    generationsByKey.set(generation.key, generations);
  }
}

/**
 * The reading side of each action (`kms:ReEncrypt*` reads with `kms:ReEncryptFrom`). Creating grants reads
 * too (EBS and RDS create one to restore an old snapshot), but only grants for AWS resources are repeated.
 */
const READING_ACTIONS: Record<string, string> = {
  'kms:Decrypt': 'kms:Decrypt',
  'kms:Decrypt*': 'kms:Decrypt',
  'kms:ReEncryptFrom': 'kms:ReEncryptFrom',
  'kms:ReEncrypt*': 'kms:ReEncryptFrom',
  'kms:DescribeKey': 'kms:DescribeKey',
  'kms:Describe*': 'kms:DescribeKey',
};
const GRANT_ACTION = 'kms:CreateGrant';

/** The actions of a use that read data under a key, or none when it does not read (administration). */
function readingActions(actions: string[], grantsForAwsResources: boolean): string[] {
  const reading = new Set(actions.flatMap((action) => {
    if (action === GRANT_ACTION) {
      return grantsForAwsResources ? [action] : [];
    }
    return READING_ACTIONS[action] === undefined ? [] : [READING_ACTIONS[action]];
  }));
  return [...reading].some((action) => action !== 'kms:DescribeKey') ? [...reading] : [];
}

/** Whether a statement's conditions limit grants to AWS resources (`kms:GrantIsForAWSResource`). */
function limitsGrantsToAwsResources(conditions: Record<string, any>): boolean {
  return String(conditions.Bool?.['kms:GrantIsForAWSResource']) === 'true';
}

/**
 * Adds to every other generation's key policy the reading part of an Allow statement added to `key`,
 * with the same principals and conditions.
 */
export function addToOtherGenerationPolicies(key: kms.IKey, statement: iam.PolicyStatement): void {
  const generations = generationsByKey.get(key);
  if (!generations || statement.effect !== iam.Effect.ALLOW || statement.notPrincipals.length > 0 || statement.notActions.length > 0) {
    return;
  }
  const conditions = statement.conditions;
  const actions = readingActions(statement.actions, limitsGrantsToAwsResources(conditions));
  if (actions.length === 0) {
    return;
  }
  const source = generations.find((generation) => generation.key === key)!;
  for (const other of generations.filter((generation) => generation.key !== key)) {
    ManagedKeyPolicy.of(other.key)!.add(new iam.PolicyStatement({
      sid: statement.sid === undefined ? undefined : `${statement.sid}ForGeneration${source.name}`,
      principals: statement.principals,
      actions,
      resources: statement.resources,
      conditions,
    }));
  }
}

/**
 * `grant` of `actions` on `key`, combined with the reading part of those actions on every other generation of
 * the key's ring, in the grantee's IAM policy with the same conditions.
 */
export function withOtherGenerations(
  grant: iam.Grant,
  key: kms.IKey,
  grantee: iam.IGrantable,
  actions: readonly string[],
  conditions?: Record<string, Record<string, unknown>>,
): iam.Grant {
  const others = (generationsByKey.get(key) ?? []).filter((generation) => generation.key !== key);
  const reading = readingActions([...actions], conditions !== undefined && limitsGrantsToAwsResources(conditions));
  if (others.length === 0 || reading.length === 0) {
    return grant;
  }
  return grant.combine(iam.Grant.addToPrincipal({
    grantee,
    actions: reading,
    resourceArns: others.map((other) => other.key.keyArn),
    conditions,
  }));
}
