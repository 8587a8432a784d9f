import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReportInputError, buildReport } from '../../src/build';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bad-input-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A cloud assembly manifest with one stack artifact whose template is `Stack.template.json`. */
function writeManifest(extra: Record<string, unknown> = {}): void {
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: {
      Stack: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile: 'Stack.template.json' }, ...extra },
    },
  }));
}

test.each([
  ['a missing directory', () => path.join(dir, 'cdk.out'),
    (given: string) => `No cloud assembly at ${given}: the directory does not exist. Run \`cdk synth\` first, or pass the directory it wrote (cdk.out).`],
  ['a directory without manifest.json', () => dir,
    (given: string) => `${path.join(given, 'manifest.json')} not found: ${given} is not a cloud assembly (expected the directory \`cdk synth\` writes, such as cdk.out).`],
  ['a manifest of another tool', () => {
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'my-web-app', icons: [] }));
    return dir;
  }, (given: string) => `${path.join(given, 'manifest.json')} is not a cloud assembly manifest: expected a JSON object with a "version" string and an "artifacts" object, as \`cdk synth\` writes.`],
  ['a manifest that is not JSON', () => {
    fs.writeFileSync(path.join(dir, 'manifest.json'), 'version: 55');
    return dir;
  }, (given: string) => `${path.join(given, 'manifest.json')} is not valid JSON (${jsonError('version: 55')}): expected the cloud assembly manifest \`cdk synth\` writes.`],
  ['a template that is not JSON', () => {
    writeManifest();
    fs.writeFileSync(path.join(dir, 'Stack.template.json'), 'Resources:\n  Bucket: {}');
    return dir;
  }, (given: string) => `${path.join(given, 'Stack.template.json')} is not valid JSON (${jsonError('Resources:\n  Bucket: {}')}): expected the template of stack Stack.`],
  ['a template that is missing', () => {
    writeManifest();
    return dir;
  }, (given: string) => `${path.join(given, 'Stack.template.json')} not found: expected the template of stack Stack.`],
  ['a template that is not a CloudFormation template', () => {
    writeManifest();
    fs.writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify({ Resources: ['Bucket'] }));
    return dir;
  }, (given: string) => `${path.join(given, 'Stack.template.json')} is not a CloudFormation template: expected a JSON object with a "Resources" object (the template of stack Stack).`],
  ['a metadata file that is not JSON', () => {
    writeManifest({ additionalMetadataFile: 'Stack.metadata.json' });
    fs.writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify({ Resources: {} }));
    fs.writeFileSync(path.join(dir, 'Stack.metadata.json'), '{');
    return dir;
  }, (given: string) => `${path.join(given, 'Stack.metadata.json')} is not valid JSON (${jsonError('{')}): expected the metadata file the manifest names.`],
])('%s is refused with a message naming the file and what was expected', async (_, arrange, message) => {
  const given = arrange();
  await expect(buildReport(given)).rejects.toThrow(new ReportInputError(message(given)));
  await expect(buildReport(given)).rejects.toBeInstanceOf(ReportInputError);
});

test('an assembly with a stack and no resources gives an empty report', async () => {
  writeManifest();
  fs.writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify({}));
  const report = await buildReport(dir);
  expect(report).toMatchObject({ stacks: [{ id: 'Stack', account: '111111111111', region: 'eu-west-1' }], keys: [], unprotected: [], acknowledgements: [] });
  expect(report.cost.monthlyUsd).toBe(0);
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('valid JSON');
}
