import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SecureStringFunction } from './secure-string-function';
import { handlerKeyStatement, handlerParameterStatement } from './statements';
import { EncryptedLogGroup } from '../../logs/encrypted-log-group';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { validateManagedPolicySize } from '../../private/managed-policy-size';

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

  /** The provider of the stack that `scope` is in. */
  public static of(scope: Construct): SecureStringProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SecureStringProvider.ID);
    return existing instanceof SecureStringProvider ? existing : new SecureStringProvider(stack, SecureStringProvider.ID);
  }

  /** The function's role; each parameter adds its own permissions. */
  public readonly role: HandlerRole;
  public readonly function: SecureStringFunction;
  private parameters = 0;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new HandlerRole(this, 'Role');
    const logGroup = new EncryptedLogGroup(this, 'LogGroup');
    logGroup.grantWrite(this.role);

    this.function = new SecureStringFunction(this, 'Function', {
      description: 'Custom resource handler of cdk-kms-encryption SecureStringParameter',
      role: this.role,
      logGroup,
      timeout: Duration.minutes(1),
    });
    // The policy is attached by its own resource, which the role does not wait for; the function must.
    this.function.node.addDependency(this.role.policy);

    validateManagedPolicySize(this.role.policy, () =>
      `This stack defines ${this.parameters} SecureStringParameters, whose ARNs and keys this policy of their handler lists. Define some of them in another stack.`);
    acknowledgeLambdaFindings(this.function, {
      insideVpc: 'The handler calls only the SSM, KMS and Secrets Manager APIs and the CloudFormation response URL; a VPC would need interface endpoints for each, in every stack that defines a parameter.',
      concurrency: NO_RESERVED_CONCURRENCY_REASON,
      deadLetterQueue: 'CloudFormation receives every failure through the response URL; a dead-letter queue would store request events, whose properties can hold an unsafePlainText value.',
    });
  }

  /**
   * Lets the handler manage the parameter `parameterArn` (a literal ARN: referencing the parameter
   * resource would be a cycle) and encrypt it with the key `keyArn`.
   */
  public addParameter(parameterArn: string, keyArn: string): void {
    this.role.addToPrincipalPolicy(handlerParameterStatement(parameterArn));
    this.role.addToPrincipalPolicy(handlerKeyStatement(keyArn, Stack.of(this)));
    this.parameters++;
  }
}

/**
 * The handler's role. Every statement (each parameter's, secret grants, log writing) goes into one
 * customer-managed policy rather than an inline one: the NIST, HIPAA and PCI packs reject inline
 * policies, and no AWS managed policy is used (AwsSolutions-IAM4).
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
