import { TemplateStack } from '../../src/assembly';
import { Resolver, UNKNOWN_ACCOUNT, unknownPart, unknownsOf } from '../../src/values';

function stack(id: string, template: any, environment = { account: '111111111111', region: 'eu-west-1' }, parent?: TemplateStack['parent']): TemplateStack {
  return {
    entry: { id, stackName: id, ...environment, ...(parent ? { parent: parent.stack.entry.id } : {}) },
    file: `${id}.template.json`,
    template: { Resources: {}, ...template },
    metadata: new Map(),
    resourcePaths: new Map(),
    ...(parent ? { parent } : {}),
  };
}

const producer = stack('Producer', {
  Resources: { Key: { Type: 'AWS::KMS::Key' }, Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'app-data' } } },
  Outputs: {
    KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: 'Producer-KeyArn' } },
    BucketName: { Value: { Ref: 'Bucket' } },
  },
  Mappings: { Regions: { 'eu-west-1': { Short: 'euw1' } } },
});
const consumer = stack('Consumer', {
  Parameters: { External: { Type: 'String' } },
  Resources: { Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { KeyArn: { 'Fn::ImportValue': 'Producer-KeyArn' } } } } },
});
const nested = stack('Consumer/Nested', { Parameters: { KeyArn: { Type: 'String' } }, Outputs: { Passed: { Value: { Ref: 'KeyArn' } } } }, undefined,
  { stack: consumer, logicalId: 'Nested' });
const agnostic = stack('Agnostic', { Resources: { Role: { Type: 'AWS::IAM::Role' } } }, { account: 'unknown-account', region: 'unknown-region' });
const resolver = new Resolver([producer, consumer, nested, agnostic]);
const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/Producer-Key';

test.each([
  ['pseudo parameters', producer, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] }, 'arn:aws:iam::111111111111:root'],
  ['Fn::Sub with attributes and variables', producer, { 'Fn::Sub': ['${Key.Arn}/${Suffix}/${AWS::Region}', { Suffix: 'x' }] }, `${KEY_ARN}/x/eu-west-1`],
  ['Fn::Select of Fn::Split', producer, { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Key', 'Arn'] }] }] }, 'Producer-Key'],
  ['Fn::FindInMap', producer, { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Short'] }, 'euw1'],
  ['Fn::ImportValue of an export of the app', consumer, { 'Fn::ImportValue': 'Producer-KeyArn' }, KEY_ARN],
  ['Fn::GetStackOutput', consumer, { 'Fn::GetStackOutput': { StackName: 'Producer', OutputName: 'BucketName' } }, 'app-data'],
  ['a nested stack parameter the parent passes', nested, { Ref: 'KeyArn' }, KEY_ARN],
  ['an output of a nested stack', consumer, { 'Fn::GetAtt': ['Nested', 'Outputs.Passed'] }, KEY_ARN],
  ['a bucket ARN', producer, { 'Fn::GetAtt': ['Bucket', 'Arn'] }, 'arn:aws:s3:::app-data'],
  ['a role of an environment-agnostic stack', agnostic, { 'Fn::GetAtt': ['Role', 'Arn'] }, `arn:aws:iam::${UNKNOWN_ACCOUNT}:role/Agnostic-Role`],
])('%s', (_, where, value, text) => {
  expect(resolver.text(where, value)).toBe(text);
});

test.each([
  ['a parameter', consumer, { Ref: 'External' }, 'parameter External of stack Consumer'],
  ['an import from outside the app', consumer, { 'Fn::ImportValue': 'Elsewhere-KeyArn' }, 'Fn::ImportValue Elsewhere-KeyArn'],
  ['a condition', consumer, { 'Fn::If': ['IsProd', 'a', 'b'] }, 'Fn::If in stack Consumer'],
  ['a dynamic reference', consumer, 'arn:{{resolve:ssm:/key/arn}}', 'dynamic reference {{resolve:ssm:/key/arn}}'],
])('%s is unknown at synth, with where it comes from', (_, where, value, from) => {
  expect(unknownsOf(resolver.text(where, value))).toEqual([from]);
  expect(resolver.text(where, value)).toContain(unknownPart(from));
});

test('a reference is followed to the resource it names, across stacks', () => {
  expect(resolver.referenced(nested, { Ref: 'KeyArn' })).toMatchObject({ stack: producer, logicalId: 'Key' });
  expect(resolver.referenced(consumer, { Ref: 'External' })).toBeUndefined();
});
