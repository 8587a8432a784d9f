import { CfnResource, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StackIndex } from './stack-index';

/**
 * A service that writes logs into S3 buckets whose default encryption must be SSE-S3: with SSE-KMS, the
 * deployment of the producer fails or its logs silently stop. Each row names the L1 that configures the
 * delivery and returns, per log it writes, what the app set as the destination bucket (resolved).
 */
interface LogProducer {
  readonly type: new (...args: any[]) => CfnResource;
  readonly destinations: (resource: any, stack: Stack) => Array<{ readonly producer: string; readonly bucket: unknown }>;
}

const LOG_PRODUCERS: LogProducer[] = [
  /** @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-server-access-logging.html */
  {
    type: s3.CfnBucket,
    destinations: (bucket: s3.CfnBucket, stack) => [{
      producer: `S3 server access logs of ${bucket.node.path}`,
      bucket: stack.resolve(bucket.loggingConfiguration)?.destinationBucketName,
    }],
  },
  /**
   * Network Load Balancers also take SSE-KMS with a customer-managed key; Application Load Balancers only SSE-S3.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#access-log-create-bucket
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-connection-logging.html
   */
  {
    type: elbv2.CfnLoadBalancer,
    destinations: (loadBalancer: elbv2.CfnLoadBalancer, stack) => {
      if ((stack.resolve(loadBalancer.type) ?? 'application') !== 'application') {
        return [];
      }
      const attributes: Array<{ key?: string; value?: unknown }> = stack.resolve(loadBalancer.loadBalancerAttributes) ?? [];
      return [['access_logs.s3.bucket', 'access logs'], ['connection_logs.s3.bucket', 'connection logs']].map(([key, logs]) => ({
        producer: `Elastic Load Balancing ${logs} of ${loadBalancer.node.path} (Application Load Balancer)`,
        bucket: attributes.find((attribute) => attribute.key === key)?.value,
      }));
    },
  },
  /** @see https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html */
  {
    type: elb.CfnLoadBalancer,
    destinations: (loadBalancer: elb.CfnLoadBalancer, stack) => [{
      producer: `Elastic Load Balancing access logs of ${loadBalancer.node.path} (Classic Load Balancer)`,
      bucket: stack.resolve(loadBalancer.accessLoggingPolicy)?.s3BucketName,
    }],
  },
  /** @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html */
  {
    type: cloudfront.CfnDistribution,
    destinations: (distribution: cloudfront.CfnDistribution, stack) => [{
      producer: `CloudFront standard logs of ${distribution.node.path}`,
      bucket: stack.resolve(distribution.distributionConfig)?.logging?.bucket,
    }],
  },
];

/**
 * What writes SSE-S3-only logs into `bucket`, as the warning names it, or undefined. A destination counts when
 * it references the bucket (its name, ARN or domain name) or is its literal name.
 */
export function sseS3LogProducerOf(bucket: s3.CfnBucket, index: StackIndex): string | undefined {
  const stack = Stack.of(bucket);
  if (stack.resolve(bucket.accessControl) === 'LogDeliveryWrite') {
    return 'S3 server access logs (its ACL lets the log delivery group write)';
  }
  const logicalId = stack.getLogicalId(bucket);
  const name = bucket.bucketName;
  const isThisBucket = (destination: unknown) => {
    const json = JSON.stringify(destination);
    return json !== undefined && (json.includes(`{"Ref":"${logicalId}"}`) || json.includes(`{"Fn::GetAtt":["${logicalId}",`)
      || (name !== undefined && json.startsWith(JSON.stringify(name).slice(0, -1))));
  };
  for (const { type, destinations } of LOG_PRODUCERS) {
    for (const resource of index.ofType((construct) => construct instanceof type && construct !== bucket)) {
      const found = destinations(resource, stack).find((destination) => isThisBucket(destination.bucket));
      if (found) {
        return found.producer;
      }
    }
  }
  return undefined;
}
