import { CfnElement, DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Reference, Stack, StringConcat, Tokenization } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/** A value as CloudFormation will see it, and the constructs its references point at. */
export interface ResolvedValue {
  /** The value with tokens resolved to CloudFormation (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...). */
  readonly value: any;
  /** Every construct a reference in the value points at, across stacks. */
  readonly targets: IConstruct[];
}

/** Which kind of KMS key a key id, key ARN or alias in a resource's properties names. */
export enum KeyKind {
  /** No key: the service's default encryption (or none) applies. */
  NONE = 'NONE',
  /** An AWS managed key (`aws/s3`, `alias/aws/...`). */
  AWS_MANAGED = 'AWS_MANAGED',
  /** A key defined in this app, or a literal key id, key ARN or customer alias. */
  CUSTOMER_MANAGED = 'CUSTOMER_MANAGED',
  /** A parameter, an import or another value only known at deploy time. */
  UNRESOLVED = 'UNRESOLVED',
}

/** Resolves a value in the scope's stack, recording the targets of its references on the way. */
export function resolveValue(scope: IConstruct, value: unknown): ResolvedValue {
  const recorder = new ReferenceRecorder();
  // The recording pass only collects targets; CloudFormation's own resolution gives the value.
  Tokenization.resolve(value, { scope, resolver: recorder, preparing: false });
  return { value: Stack.of(scope).resolve(value), targets: recorder.targets };
}

/**
 * Classifies the key a resource property names. A reference to a key (or an alias of a key) defined
 * in this app is customer-managed; AWS managed keys are recognized by their reserved `aws/` alias.
 * A literal key id or ARN is taken as customer-managed: nothing else in the template tells them apart.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
export function keyKind(scope: IConstruct, key: unknown): KeyKind {
  if (key === undefined || key === null || key === '') {
    return KeyKind.NONE;
  }
  const { value, targets } = resolveValue(scope, key);
  if (targets.some(isKeyDefinedInApp) || referencesKeyInStack(Stack.of(scope), value)) {
    return KeyKind.CUSTOMER_MANAGED;
  }
  const text = literalText(value);
  if (AWS_MANAGED_KEY_NAME.test(text)) {
    return KeyKind.AWS_MANAGED;
  }
  return text.includes(UNKNOWN) ? KeyKind.UNRESOLVED : KeyKind.CUSTOMER_MANAGED;
}

/** Stands for the parts of a value only known at deploy time in {@link literalText}. */
export const UNKNOWN = '\u0000';

/**
 * The text of a resolved value: literal strings as they are, `Fn::Join` joined, and every other
 * intrinsic (a `Ref`, an attribute, an import) as {@link UNKNOWN}.
 */
export function literalText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return join[1].map(literalText).join(join[0]);
  }
  return UNKNOWN;
}

/** `aws/s3`, `alias/aws/s3` or an alias ARN ending in `:alias/aws/s3`. */
const AWS_MANAGED_KEY_NAME = /^(alias\/)?aws\/|:alias\/aws\//;

function isKeyDefinedInApp(target: IConstruct): boolean {
  // An alias cannot point at an AWS managed key, so an alias defined here names a customer-managed key.
  return target instanceof kms.CfnKey || target instanceof kms.CfnReplicaKey || target instanceof kms.CfnAlias;
}

/** Whether a resolved value holds a `Ref` or `Fn::GetAtt` to a key defined in the stack (raw intrinsics included). */
function referencesKeyInStack(stack: Stack, value: unknown): boolean {
  const ids = referencedLogicalIds(value);
  if (ids.length === 0) {
    return false;
  }
  return stack.node.findAll()
    .filter((construct) => isKeyDefinedInApp(construct) && Stack.of(construct) === stack)
    .some((key) => ids.includes(stack.resolve((key as CfnElement).logicalId)));
}

function referencedLogicalIds(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(referencedLogicalIds);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') {
    return [record.Ref];
  }
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return [getAtt[0]];
  }
  return Object.values(record).flatMap(referencedLogicalIds);
}

class ReferenceRecorder extends DefaultTokenResolver {
  public readonly targets: IConstruct[] = [];

  constructor() {
    super(new StringConcat());
  }

  public resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (Reference.isReference(token)) {
      this.targets.push(token.target);
    }
    return super.resolveToken(token, context, postProcessor);
  }
}
