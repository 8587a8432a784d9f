import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addLogGroupInvariantValidation } from './private/invariants';
import { allowLogsService } from './private/key-policy';
import { derivedLogGroupName } from './private/names';
import { accountEncryptionContextArn, encryptionContextArn } from './private/statements';
import { keyPlacementProblems, validateLogGroupProps } from './private/validation';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { injectedProps, skippingBaseInjector } from '../private/injection';
import { throwIfInvalid } from '../private/validation';

/** Which log groups the key-policy statement for CloudWatch Logs covers. */
export enum LogGroupKeyPolicyScope {
  /**
   * Only this log group (its encryption-context ARN). Log groups on the same key share one statement
   * that lists their ARNs, so each adds its ARN (about 50 bytes plus its name) to the 32 KB key policy.
   */
  LOG_GROUP = 'LOG_GROUP',
  /**
   * Every log group in this account and Region (`log-group:*`). The key policy stays the same size however
   * many log groups use the key; any log group of the account may then be encrypted with it.
   */
  ACCOUNT = 'ACCOUNT',
}

/** Properties of an {@link EncryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /**
   * The symmetric KMS key that encrypts the log events. A key defined in this app gets the key-policy
   * statement CloudWatch Logs needs; for an imported key, a warning shows the statement to add.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @default - a new CustomerManagedKey is defined
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The name of the log group: 1 to 512 characters from a-z, A-Z, 0-9, '_', '-', '/', '.' and '#', not
   * starting with 'aws/'.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
   * @default - `/<stack name>/<construct path in the stack>`, so the key policy can name the log group before it exists
   */
  readonly logGroupName?: string;

  /**
   * How long CloudWatch Logs keeps the log events. Must be a period CloudWatch Logs accepts; events are kept
   * forever only when you pass `RetentionDays.INFINITE`.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The log class. It cannot change after the log group is created. `DELIVERY` is not supported: those log
   * groups keep events for one day and take no retention or data protection.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html
   * @default logs.LogGroupClass.STANDARD
   */
  readonly logGroupClass?: logs.LogGroupClass;

  /**
   * A data-protection policy that audits and masks sensitive data in the log events.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html
   * @default - no data-protection policy
   */
  readonly dataProtectionPolicy?: logs.DataProtectionPolicy;

  /**
   * Field index policies, which make queries on the indexed fields faster and cheaper.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatchLogs-Field-Indexing.html
   * @example [new logs.FieldIndexPolicy({ fields: ['requestId'] })]
   * @default - no field index policy
   */
  readonly fieldIndexPolicies?: logs.FieldIndexPolicy[];

  /**
   * Whether the log group is protected from deletion: every deletion, CloudFormation's included, fails
   * until protection is turned off.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/protecting-log-groups-from-deletion.html
   * @example true
   * @default false
   */
  readonly deletionProtectionEnabled?: boolean;

  /**
   * Which log groups the key-policy statement for CloudWatch Logs covers. `ACCOUNT` keeps the key policy
   * the same size for any number of log groups on one key.
   *
   * @default LogGroupKeyPolicyScope.LOG_GROUP
   */
  readonly keyPolicyScope?: LogGroupKeyPolicyScope;

  /**
   * What happens to the log group when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A CloudWatch Logs log group encrypted with a customer-managed KMS key that deploys the first time: the key
 * policy lets CloudWatch Logs use the key for this log group (encryption context `aws:logs:arn`), and the log
 * group is created only after the key and its policy.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * @resource AWS::Logs::LogGroup
 *
 * @example
 * new EncryptedLogGroup(this, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
 */
export class EncryptedLogGroup extends logs.LogGroup {
  /**
   * The id property injectors aim at to set defaults for every `EncryptedLogGroup` (injectors aimed at
   * `logs.LogGroup.PROPERTY_INJECTION_ID` do not reach it). They receive and return `EncryptedLogGroupProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.EncryptedLogGroup';

  /** Default retention of the log events. */
  public static readonly DEFAULT_RETENTION = logs.RetentionDays.ONE_YEAR;

  /**
   * Keeps CloudWatch Logs' use of `key` for log groups that no longer use it in this app but still hold
   * events encrypted under it: log groups removed from the app but retained (the default removal
   * policy), and the former names of renamed log groups. Without it, the next deployment drops their
   * names from the key policy and CloudWatch Logs can no longer decrypt their events.
   *
   * @example
   * declare const key: kms.IKey;
   * EncryptedLogGroup.keepKeyAccess(key, ['/MyStack/OldHandler/Logs']);
   * @param key the key the log groups were encrypted with
   * @param logGroupNames the names of the log groups, in the key's account and Region
   */
  public static keepKeyAccess(key: kms.IKey, logGroupNames: string[]): void {
    throwIfInvalid(key, logGroupNames.flatMap((logGroupName) => validateLogGroupProps({ logGroupName })));
    const stack = Stack.of(key);
    for (const logGroupName of logGroupNames) {
      allowLogsService(key, key, encryptionContextArn(logGroupName, stack));
    }
  }

  /** The KMS key that encrypts the log events. */
  public readonly encryptionKey: kms.IKey;

  /**
   * @param scope the construct the log group is defined in
   * @param id the id of the log group, unique within `scope`
   * @param props the options of the log group
   */
  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps = {}) {
    props = injectedProps(EncryptedLogGroup.PROPERTY_INJECTION_ID, scope, id, props);
    // The base class validates some props with its own wording; ours run first and name every problem.
    throwIfInvalid(scope, [
      ...validateLogGroupProps(props),
      ...(props.encryptionKey ? keyPlacementProblems(props.encryptionKey, props.logGroupName, Stack.of(scope)) : []),
    ], id);
    const logGroupName = props.logGroupName ?? derivedLogGroupName(...stackNameAndPath(scope, id));

    const retention = props.retention ?? EncryptedLogGroup.DEFAULT_RETENTION;
    super(scope, id, skippingBaseInjector(scope, logs.LogGroup.PROPERTY_INJECTION_ID, {
      encryptionKey: props.encryptionKey,
      logGroupName,
      retention,
      logGroupClass: props.logGroupClass,
      dataProtectionPolicy: props.dataProtectionPolicy,
      fieldIndexPolicies: props.fieldIndexPolicies,
      deletionProtectionEnabled: props.deletionProtectionEnabled,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    }));

    this.encryptionKey = props.encryptionKey ?? this.defineKey(logGroupName);
    addLogGroupInvariantValidation({ logGroup: this, key: this.encryptionKey, retention, removalPolicy: props.removalPolicy });

    const stack = Stack.of(this);
    const allowedContext = props.keyPolicyScope === LogGroupKeyPolicyScope.ACCOUNT
      ? accountEncryptionContextArn(stack)
      : encryptionContextArn(logGroupName, stack);
    // CloudWatch Logs checks the key policy when the log group is created with the key. The policy is a
    // property of the key resource, and KmsKeyId references the key: CloudFormation creates the key, with
    // this statement, first. A DependsOn would repeat that reference (cfn-lint W3005).
    allowLogsService(this, this.encryptionKey, allowedContext);
  }

  /**
   * Lets the principal read and search the log events, which CloudWatch Logs decrypts with the key
   * (allowed by the key policy's logs service statement). Same as `grants.read()`; either is fine here.
   *
   * @param grantee the principal
   */
  public override grantRead(grantee: iam.IGrantable): iam.Grant {
    return super.grantRead(grantee);
  }

  /**
   * Lets the principal create log streams and put log events; CloudWatch Logs encrypts them with the
   * key. Same as `grants.write()`; either is fine here.
   *
   * @param grantee the principal
   */
  public override grantWrite(grantee: iam.IGrantable): iam.Grant {
    return super.grantWrite(grantee);
  }

  /** The default key is a child of the log group, so it can only be defined, and set, after `super`. */
  private defineKey(logGroupName: string): kms.IKey {
    const key = new CustomerManagedKey(this, 'Key', { description: `Encrypts the CloudWatch Logs log group ${logGroupName}` });
    (this.node.defaultChild as logs.CfnLogGroup).kmsKeyId = key.keyArn;
    return key;
  }
}

/**
 * The name of the top-level stack (nested stacks have no name until deployment) and the construct path
 * below it, of a construct about to be defined as `id` in `scope`.
 */
function stackNameAndPath(scope: Construct, id: string): [string, string] {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) {
    stack = stack.nestedStackParent;
  }
  const path = `${scope.node.path}/${id}`.slice(stack.node.path.length + 1);
  return [stack.stackName, path];
}
