import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ValueKind } from './secure-string-contract';
import { SecureStringFunction } from './secure-string-function';
import { handlerKeyStatement, handlerOwnedParameterStatement, handlerParameterStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { handlerLogGroup } from '../../private/handler-log-group';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT, validateManagedPolicySize } from '../../private/managed-policy-size';
import { failValidation } from '../../private/validation';
import { nagResourceName } from '../../s3/private/nag';
import { SecureStringValue } from '../secure-string-value';

/**
 * How many managed policies IAM attaches to a role by default: the handler's first policy and at most
 * this many less one that list parameter ARNs.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
 */
const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The Lambda function behind every SecureStringParameter of a stack, with its role and encrypted log
 * group: one per stack, found or created under a fixed id.
 *
 * The function is the ServiceToken itself and answers CloudFormation through the pre-signed response
 * URL (secure-string-resource.ts `respond`). The cr.Provider framework would add a second function and
 * a role allowed to invoke `<function>:*`, findings under cdk-nag's IAM5 and the Lambda rules, for a
 * handler that finishes well within one invocation.
 */
export class SecureStringProvider extends Construct {
  /** The construct id in the stack: changing it replaces the function, so it is fixed. */
  public static readonly ID = 'SecureStringParameterProvider';

  /**
   * The function's timeout. The handler answers CloudFormation with 20 s of it left
   * (secure-string-resource.ts); its SDK calls retry throttling with backoff within it.
   */
  public static readonly TIMEOUT = Duration.minutes(2);

  /**
   * How long CloudFormation waits for an answer before it fails the resource itself (its default is an
   * hour): one invocation, Lambda's first retry of a failed asynchronous invocation a minute later, and
   * that retry's run.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html#cfn-cloudformation-customresource-servicetimeout
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   */
  public static readonly SERVICE_TIMEOUT = Duration.minutes(6);

  /** The provider of the stack that `scope` is in. */
  public static of(scope: Construct): SecureStringProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SecureStringProvider.ID);
    return existing instanceof SecureStringProvider ? existing : new SecureStringProvider(stack, SecureStringProvider.ID);
  }

  /** The function's role: log writing, key use and grants in its first policy, parameter ARNs in the others. */
  private readonly role: HandlerRole;
  public readonly function: SecureStringFunction;
  private readonly keyStatement: iam.PolicyStatement;
  /** The role's policies after the first, each listing as many parameter ARNs as fit; the last one has room. */
  private readonly parameterPolicies: ParameterArnPolicy[] = [];
  private parameters = 0;
  private copiedSecrets = 0;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new HandlerRole(this, 'Role');
    const logGroup = handlerLogGroup(this, 'LogGroup');
    logGroup.grantWrite(this.role);

    this.function = new SecureStringFunction(this, 'Function', {
      description: 'Custom resource handler of cdk-kms-encryption SecureStringParameter',
      role: this.role,
      logGroup,
      timeout: SecureStringProvider.TIMEOUT,
    });
    // The policy is attached by its own resource, which the role does not wait for; the function must.
    this.function.node.addDependency(this.role.policy);
    this.keyStatement = handlerKeyStatement(Stack.of(this));
    this.role.addToPrincipalPolicy(this.keyStatement);
    const owned = handlerOwnedParameterStatement(Stack.of(this));
    this.role.addToPrincipalPolicy(owned);
    Validations.of(this.role.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), owned.resources[0])}]`,
      reason: 'Reading the tags of and deleting parameters is confined to those tagged with this stack\'s id (aws:ResourceTag): CloudFormation\'s cleanup and rollback Deletes name parameters the policies in force no longer list, and the handler deletes only the names CloudFormation sends it whose ownership tags name this stack and resource.',
    });
    Validations.of(this.role.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), this.keyStatement.resources[0])}]`,
      reason: 'kms:Encrypt, kms:GenerateDataKey and kms:Decrypt on the keys of this account and Region are confined to Parameter Store (kms:ViaService, kms:CallerAccount) and to parameters (PARAMETER_ARN encryption context); Parameter Store uses a key only for the parameter of the request, and the ssm: statements name only this stack\'s parameters. Naming no key keeps the policy the same size for any number of keys, and lets an update read a value under the key it leaves.',
    });

    validateManagedPolicySize(this.role.policy, () =>
      `This policy holds the handler's log writing, its use of keys through Parameter Store and read grants on the ${this.copiedSecrets} secrets that this stack's SecureStringParameters copy (SecureStringValue.fromSecret). Define some of the parameters that copy secrets in another stack.`);
    acknowledgeLambdaFindings(this.function, {
      insideVpc: 'The handler calls only the SSM, KMS and Secrets Manager APIs and the CloudFormation response URL; a VPC would need interface endpoints for each, in every stack that defines a parameter.',
      concurrency: NO_RESERVED_CONCURRENCY_REASON,
      deadLetterQueue: 'CloudFormation receives every failure through the response URL; a dead-letter queue would store request events, whose properties can hold an unsafePlainText value.',
    });
  }

  /** Binds a parameter's value source to the handler, which gets read on a secret it copies. */
  public bindValue(value: SecureStringValue): ReturnType<SecureStringValue['_bind']> {
    const bound = value._bind(this.role);
    if (bound.properties.Kind === ValueKind.SECRET) {
      this.copiedSecrets++;
    }
    return bound;
  }

  /**
   * Lets the handler manage the parameter `parameterArn` (a literal ARN: referencing the parameter
   * resource would be a cycle) and encrypt it with `key`. The ARN goes into the last parameter policy,
   * or a new one when it would pass IAM's size limit there; more than the role's quota of policies
   * fails `scope`, the parameter, with the count and the fix.
   */
  public addParameter(scope: Construct, parameterArn: string, key: kms.IKey): void {
    const stack = Stack.of(this);
    this.parameters++;
    // With its quotes, as it stands in the statement's list.
    const arnLength = deployedLengthUpperBound(stack, stack.resolve(parameterArn));
    const last = this.parameterPolicies.at(-1);
    if (last && last.deployedLength + ','.length + arnLength <= MANAGED_POLICY_SIZE_LIMIT) {
      last.statement.addResources(parameterArn);
      last.deployedLength += ','.length + arnLength;
      last.parameters++;
    } else {
      this.parameterPolicies.push(this.newParameterPolicy(scope, parameterArn));
    }
    // A key of another account is outside the key statement's `key/*`: it is named.
    if (key.env.account !== stack.account && !this.keyStatement.resources.includes(key.keyArn)) {
      this.keyStatement.addResources(key.keyArn);
    }
  }

  /** The role's next managed policy, `Policy2` to `Policy10`, listing `parameterArn` for a start. */
  private newParameterPolicy(scope: Construct, parameterArn: string): ParameterArnPolicy {
    const number = this.parameterPolicies.length + 2;
    if (number > MANAGED_POLICIES_PER_ROLE) {
      failValidation(scope, [
        `This stack defines ${this.parameters} SecureStringParameters, whose ARNs fill the ${MANAGED_POLICIES_PER_ROLE - 1} managed policies of their handler's role that list them (IAM attaches at most ${MANAGED_POLICIES_PER_ROLE} managed policies to a role, and the first holds the handler's other permissions). Define some of them in another stack, or give them shorter names.`,
      ]);
    }
    const statement = handlerParameterStatement(parameterArn);
    const policy = new iam.ManagedPolicy(this.role, `Policy${number}`, { roles: [this.role], statements: [statement] });
    this.function.node.addDependency(policy);
    const entry: ParameterArnPolicy = { statement, deployedLength: parameterPolicyLength(Stack.of(this), statement), parameters: 1 };
    validateManagedPolicySize(policy, () =>
      `This policy of their handler lists the ARNs of ${entry.parameters} of this stack's ${this.parameters} SecureStringParameters. Give them shorter names, or define some of them in another stack.`);
    return entry;
  }
}

/** A managed policy of the handler's role whose one statement lists parameter ARNs, and its size so far. */
interface ParameterArnPolicy {
  readonly statement: iam.PolicyStatement;
  /** The most characters the policy can take once deployed, as validateManagedPolicySize counts them. */
  deployedLength: number;
  parameters: number;
}

/** The deployed length of a policy holding only `statement`, its resources counted as a list. */
function parameterPolicyLength(stack: Stack, statement: iam.PolicyStatement): number {
  const json = statement.toStatementJson();
  return deployedLengthUpperBound(stack, stack.resolve({ Statement: [{ ...json, Resource: [json.Resource].flat() }], Version: '2012-10-17' }));
}

/**
 * The handler's role. Its statements go into customer-managed policies rather than inline ones: the
 * NIST, HIPAA and PCI packs reject inline policies, and no AWS managed policy is used (AwsSolutions-IAM4).
 * Grants (log writing, secrets the parameters copy) go into the first; the provider adds the policies
 * that list parameter ARNs.
 */
class HandlerRole extends iam.Role {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates, updates and deletes the SecureString parameters of this stack',
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
