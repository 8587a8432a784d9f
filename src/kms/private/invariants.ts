import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ManagedKeyPolicy } from './managed-key-policy';
import { addInvariantValidation, Invariant, retentionInvariants } from '../../private/invariants';

/** What a `CustomerManagedKey` or `ReplicaKey` set on its resource, for the synth-time check of its invariants. */
export interface KeyInvariants {
  readonly key: IConstruct;
  /** `CustomerManagedKey` or `ReplicaKey`. */
  readonly kind: string;
  readonly resource: CfnResource;
  readonly keyPolicy: ManagedKeyPolicy;
  /** The rotation period, when KMS rotates the key; undefined for keys KMS cannot rotate (and replicas, which follow their primary). */
  readonly rotationPeriod?: Duration;
  readonly pendingWindow: Duration;
  /** The `removalPolicy` prop as given: retention is required when it was not given, or was RETAIN. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Fails synthesis when the key, as synthesized, no longer rotates with its period, has another pending
 * window, or is no longer retained, and checks its key policy as synthesized (public statements, size).
 */
export function addKeyInvariantValidation(expected: KeyInvariants): void {
  addInvariantValidation(
    expected.key,
    expected.kind,
    expected.resource,
    () => keyInvariants(expected),
    (synthesized) => expected.keyPolicy.problems(expected.key, synthesized.Properties?.KeyPolicy ?? {}),
  );
}

function keyInvariants(expected: KeyInvariants): Invariant[] {
  return [
    ...(expected.rotationPeriod === undefined ? [] : [
      { name: 'automatic rotation', path: 'Properties.EnableKeyRotation', expected: true, prop: 'enableKeyRotation' },
      { name: 'its rotation period', path: 'Properties.RotationPeriodInDays', expected: expected.rotationPeriod.toDays(), prop: 'rotationPeriod' },
    ]),
    { name: 'its pending window', path: 'Properties.PendingWindowInDays', expected: expected.pendingWindow.toDays(), prop: 'pendingWindow' },
    ...retentionInvariants(expected.kind, expected.removalPolicy),
  ];
}
